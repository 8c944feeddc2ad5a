import { Hono } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { ASSETS, WIDGET_LOADER } from "../static/assets.ts";
import type { AppEnv } from "../server/env.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

export const staticRoutes = new Hono<AppEnv>();

for (const asset of ASSETS) {
  staticRoutes.get(asset.path, (c) => {
    // the loader runs on host pages of other sites
    if (asset === WIDGET_LOADER) c.header("Cross-Origin-Resource-Policy", "cross-origin");
    c.header("Cache-Control", IMMUTABLE);
    c.header("Content-Type", `${asset.type}; charset=utf-8`);
    return c.body(asset.body);
  });
}

// The loader's stable URL, which host pages name: cached, but checked again on use (an
// unchanged one costs a 304), so a deploy reaches every host page at once.
// A 304 keeps the resource policy too: without it the host page may not run the script.
const loaderEtag = etag({ retainedHeaders: [...RETAINED_304_HEADERS, "cross-origin-resource-policy"] });
staticRoutes.get("/widget.js", loaderEtag, (c) => {
  c.header("Cache-Control", "public, no-cache");
  c.header("Content-Type", `${WIDGET_LOADER.type}; charset=utf-8`);
  c.header("Cross-Origin-Resource-Policy", "cross-origin");
  return c.body(WIDGET_LOADER.body);
});
