import { Hono } from "hono";
import { ASSETS } from "../static/assets.ts";
import type { AppEnv } from "../server/env.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

export const staticRoutes = new Hono<AppEnv>();

for (const asset of ASSETS) {
  staticRoutes.get(asset.path, (c) => {
    c.header("Cache-Control", IMMUTABLE);
    c.header("Content-Type", `${asset.type}; charset=utf-8`);
    return c.body(asset.body);
  });
}
