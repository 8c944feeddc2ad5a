import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import sseJs from "htmx.org/dist/ext/hx-sse.min.js" with { type: "text" };
import upsertJs from "htmx.org/dist/ext/hx-upsert.min.js" with { type: "text" };
import appJs from "./app.js" with { type: "text" };
import appCss from "./app.css" with { type: "text" };

const HTMX_VERSION = "4.0.1";

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

// Names carry the htmx version or a content hash, so a deploy changes the URL and the
// browser may keep every asset forever.
export const ASSETS: Asset[] = [
  { path: `/static/htmx-${HTMX_VERSION}.min.js`, body: htmxJs, type: "text/javascript" },
  { path: `/static/hx-sse-${HTMX_VERSION}.min.js`, body: sseJs, type: "text/javascript" },
  { path: `/static/hx-upsert-${HTMX_VERSION}.min.js`, body: upsertJs, type: "text/javascript" },
  { path: `/static/app-${await digest(appJs)}.js`, body: appJs, type: "text/javascript" },
  { path: `/static/app-${await digest(appCss)}.css`, body: appCss, type: "text/css" },
];

/** URLs of the versioned assets, for the layout. */
export const ASSET_URLS = {
  htmx: ASSETS[0].path,
  sse: ASSETS[1].path,
  upsert: ASSETS[2].path,
  appJs: ASSETS[3].path,
  appCss: ASSETS[4].path,
};
