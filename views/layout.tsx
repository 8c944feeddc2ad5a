import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { ASSET_URLS } from "../static/assets.ts";
import type { Locale, Translator } from "../i18n/mod.ts";
import { clientStrings } from "./client_strings.ts";
import { IconSprite } from "./icons.tsx";

/** htmx settings that keep it inside a strict CSP: no injected stylesheet, only our extensions. */
const HTMX_CONFIG = {
  includeIndicatorCSS: false,
  extensions: "sse, upsert",
};
// inside another site's page the frame keeps its address: a reload returns to the widget
const EMBEDDED_HTMX_CONFIG = JSON.stringify({ ...HTMX_CONFIG, history: false });
const PAGE_HTMX_CONFIG = JSON.stringify(HTMX_CONFIG);

/** What the embedded widget's page script needs: its workspace and who may frame it. */
export interface EmbedContext {
  workspace: string;
  origins: string[];
}

export interface LayoutProps {
  title: string;
  locale: Locale;
  t: Translator;
  bodyClass?: string;
  /** Per-tenant stylesheet carrying the brand colour. */
  brandCss?: string;
  /** The signed-in user's id, so the page script can tell own messages apart. */
  userId?: string;
  /** Set for the embedded widget. */
  embed?: EmbedContext;
  /** The id of the page's `main`, where the skip link leads. */
  mainId?: string;
  children?: Child;
}

/** The HTML document around every page: versioned assets, language, client strings. */
export function Layout(props: LayoutProps) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="htmx-config" content={props.embed ? EMBEDDED_HTMX_CONFIG : PAGE_HTMX_CONFIG} />
          <title>{props.title}</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={ASSET_URLS.appCss} />
          {props.brandCss ? <link rel="stylesheet" href={props.brandCss} /> : null}
          {
            /* run while the document loads, htmx starts at DOMContentLoaded, after the deferred
              extensions and modules: started earlier, it would wire the page without them */
          }
          <script src={ASSET_URLS.htmx}></script>
          <script src={ASSET_URLS.sse} defer></script>
          <script src={ASSET_URLS.upsert} defer></script>
          {ASSET_URLS.appModules.map((href) => <link rel="modulepreload" href={href} />)}
          <script type="module" src={ASSET_URLS.appJs}></script>
        </head>
        <body
          class={props.bodyClass}
          data-user-id={props.userId}
          data-locale={props.locale}
          data-strings={JSON.stringify(clientStrings(props.t))}
          data-workspace={props.embed?.workspace}
          data-embed-origins={props.embed ? JSON.stringify(props.embed.origins) : undefined}
        >
          {/* the first stop for keyboard users: past the top bar and sidebar to the content */}
          <a class="skip-link" href={`#${props.mainId ?? "main"}`}>{props.t("ui.skip_to_content")}</a>
          <IconSprite />
          {props.children}
        </body>
      </html>
    </>
  );
}
