import { Hono } from "hono";
import { z } from "zod";
import { longPoll } from "../realtime/replay.ts";
import { signalTyping } from "../realtime/typing.ts";
import type { AppEnv } from "../server/env.ts";
import { validate } from "./errors.ts";
import { requireUser } from "./middleware.ts";
import { openStream, resumeCursor, uiRenderer } from "./realtime_streams.ts";
import { metricsAccess } from "../server/security.ts";

export const realtimeRoutes = new Hono<AppEnv>();

const pollQuery = z.object({
  after: z.string().optional(),
  timeout: z.coerce.number().int().min(0).max(25).optional(),
});

realtimeRoutes.get("/api/chat/events", requireUser, (c) => openStream(c));

realtimeRoutes.get("/ui/events", requireUser, (c) => openStream(c, uiRenderer(c)));

realtimeRoutes.get("/api/chat/events/poll", requireUser, validate("query", pollQuery), async (c) => {
  const user = c.var.user;
  const { events, cursor } = await longPoll(c.var.deps.realtime.hub, {
    tenantId: user.tenantId,
    userId: user.id,
    role: user.role,
    sessionId: c.var.sessionId,
  }, { after: resumeCursor(c), timeoutMs: (c.req.valid("query").timeout ?? 25) * 1000 });
  c.header("x-last-event-id", String(cursor));
  return c.json(events.map((e) => ({ id: e.id || null, type: e.type, data: e.data })));
});

realtimeRoutes.post("/api/chat/conversations/:id/typing", requireUser, async (c) => {
  await signalTyping(c.var.scope, c.req.param("id"), c.var.user, c.var.deps);
  return c.json({ status: "ok" });
});

realtimeRoutes.get("/metrics", metricsAccess, (c) => {
  c.header("content-type", "text/plain; version=0.0.4");
  return c.body(c.var.deps.realtime.metrics.render() + c.var.deps.database.timings.render());
});
