import { Hono } from "hono";
import { isReady } from "../db/client.ts";
import type { AppEnv } from "../server/env.ts";
import { metricsAccess } from "../server/security.ts";

/** What operators and orchestrators ask: liveness, readiness and metrics, at the site's root. */
export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    const ready = await isReady(c.var.deps.database);
    return c.json(
      { status: ready ? "ready" : "unavailable" },
      ready ? 200 : 503,
    );
  })
  .get("/metrics", metricsAccess, (c) => {
    c.header("content-type", "text/plain; version=0.0.4");
    return c.body(c.var.deps.realtime.metrics.render() + c.var.deps.database.timings.render());
  });
