import { Hono } from "hono";
import { longPoll } from "../realtime/replay.ts";
import { renderUiEvent } from "../views/ui_events.tsx";
import { uiEventVariant } from "../realtime/ui_variant.ts";
import type { AppEnv } from "../server/env.ts";

const POLL_TIMEOUT_MS = 25_000;

/**
 * Long-poll fallback of `/ui/events` for networks where streams keep failing: the same
 * fragments, concatenated, with the cursor to ask from next in `X-Last-Event-Id`.
 */
export const uiPollRoutes = new Hono<AppEnv>();

uiPollRoutes.get("/ui/events/poll", async (c) => {
  const raw = c.req.query("after") ?? "";
  const after = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  const user = c.var.user;
  const { events, cursor } = await longPoll(c.var.deps.realtime.hub, {
    tenantId: user.tenantId,
    userId: user.id,
    role: user.role,
    sessionId: c.var.sessionId,
  }, { after, timeoutMs: POLL_TIMEOUT_MS, signal: c.req.raw.signal });
  const parts: string[] = [];
  for (const event of events) {
    parts.push(renderUiEvent(event, await uiEventVariant(c.var.scope, c.var.locale, event)));
  }
  c.header("X-Last-Event-Id", String(cursor));
  c.header("Cache-Control", "no-store");
  return c.html(parts.join(""));
});
