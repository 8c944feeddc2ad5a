import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import sseJs from "htmx.org/dist/ext/hx-sse.min.js" with { type: "text" };
import upsertJs from "htmx.org/dist/ext/hx-upsert.min.js" with { type: "text" };
import mainJs from "./js/main.js" with { type: "text" };
import formatJs from "./js/format.js" with { type: "text" };
import paneJs from "./js/pane.js" with { type: "text" };
import composerJs from "./js/composer.js" with { type: "text" };
import uploaderJs from "./js/uploader.js" with { type: "text" };
import noticesJs from "./js/notices.js" with { type: "text" };
import streamFallbackJs from "./js/stream_fallback.js" with { type: "text" };
import widgetJs from "./js/widget.js" with { type: "text" };
import keyboardJs from "./js/keyboard.js" with { type: "text" };
import emojiPickerJs from "./js/emoji_picker.js" with { type: "text" };
import appCss from "./app.css" with { type: "text" };
import loaderJs from "./embed/widget.js" with { type: "text" };

const HTMX_VERSION = "4.0.1";

/** The page script's ES modules by file name; `main.js` imports the others. */
const MODULES: Record<string, string> = {
  "main.js": mainJs,
  "format.js": formatJs,
  "pane.js": paneJs,
  "composer.js": composerJs,
  "uploader.js": uploaderJs,
  "notices.js": noticesJs,
  "stream_fallback.js": streamFallbackJs,
  "widget.js": widgetJs,
  "keyboard.js": keyboardJs,
  "emoji_picker.js": emojiPickerJs,
};

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes).slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A file served under a versioned URL. */
export interface Asset {
  path: string;
  body: string;
  type: string;
}

// `import … from "./format.js"` between the modules; served, it names that module's versioned URL.
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*)"\.\/([\w-]+\.js)"/g;
const versioned = new Map<string, Promise<Asset>>();

/**
 * A module under a content-hashed URL, its imports rewritten to their own hashed URLs. The
 * hash covers the rewritten text, so a change in any module it imports changes its URL too,
 * and every module can be cached forever like the other assets. A cycle cannot be hashed
 * this way and stops the server at start.
 */
function versionModule(name: string, importers: string[] = []): Promise<Asset> {
  if (importers.includes(name)) {
    throw new Error(`Cannot serve static/js: import cycle ${[...importers, name].join(" → ")}`);
  }
  const source = MODULES[name];
  if (source === undefined) throw new Error(`Cannot serve static/js: ${importers.at(-1)} imports unknown "${name}"`);
  let asset = versioned.get(name);
  if (!asset) {
    versioned.set(
      name,
      asset = (async () => {
        const deps = new Map<string, string>();
        for (const [, , dep] of source.matchAll(RELATIVE_IMPORT)) {
          deps.set(dep, (await versionModule(dep, [...importers, name])).path);
        }
        const body = source.replace(RELATIVE_IMPORT, (_, keyword, dep) => `${keyword}"${deps.get(dep)}"`);
        return { path: `/static/js/${name.slice(0, -3)}-${await digest(body)}.js`, body, type: "text/javascript" };
      })(),
    );
  }
  return asset;
}

const mainModule = await versionModule("main.js");
const modules = await Promise.all(Object.keys(MODULES).map((name) => versionModule(name)));

// Names carry the htmx version or a content hash, so a deploy changes the URL and the
// browser may keep every asset forever.
export const ASSETS: Asset[] = [
  { path: `/static/htmx-${HTMX_VERSION}.min.js`, body: htmxJs, type: "text/javascript" },
  { path: `/static/hx-sse-${HTMX_VERSION}.min.js`, body: sseJs, type: "text/javascript" },
  { path: `/static/hx-upsert-${HTMX_VERSION}.min.js`, body: upsertJs, type: "text/javascript" },
  { path: `/static/app-${await digest(appCss)}.css`, body: appCss, type: "text/css" },
  ...modules,
];

/**
 * The embed loader host pages include (`/widget.js`), also under a content-hashed URL for
 * hosts that pin a version.
 */
export const WIDGET_LOADER: Asset = {
  path: `/static/widget-${await digest(loaderJs)}.js`,
  body: loaderJs,
  type: "text/javascript",
};
ASSETS.push(WIDGET_LOADER);

/** URLs of the versioned assets, for the layout. */
export const ASSET_URLS = {
  htmx: ASSETS[0].path,
  sse: ASSETS[1].path,
  upsert: ASSETS[2].path,
  appCss: ASSETS[3].path,
  /** The page script's entry module. */
  appJs: mainModule.path,
  /** The modules it imports, announced up front so the browser fetches them in parallel. */
  appModules: modules.filter((m) => m !== mainModule).map((m) => m.path),
};
