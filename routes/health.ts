import { Hono } from "hono";
import { isReady } from "../db/client.ts";
import type { AppEnv } from "../server/env.ts";

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    const ready = await isReady(c.var.deps.database);
    return c.json(
      { status: ready ? "ready" : "unavailable" },
      ready ? 200 : 503,
    );
  });
