import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { renderUiEvents, uiRenderer } from "../../realtime/ui_renderer.ts";
import type { AppEnv } from "../../server/env.ts";
import { EventPoll } from "../../views/app_page.tsx";
import { requireUser } from "../middleware.ts";
import { eventCursor, resumeCursor, resumeHeader, resumeQuery } from "../schemas.ts";
import { openStream, pollEvents } from "../streams.ts";
import { invalidInput } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";

const POLL_TIMEOUT_MS = 25_000;

// a cursor the poll cannot read starts it from now, like a first poll, rather than failing every retry
const pollQuery = resumeQuery.extend({ after: eventCursor.catch(undefined) });

/**
 * The signed-in user's events as htmx fragments, mounted at /ui/events. The stream is
 * refused with the API's 401 (a stream client does not follow a sign-in redirect), so it
 * checks the session for its own path only: the poll below is a page request.
 */
export const uiEventRoutes = new Hono<AppEnv>()
  .use("/", requireUser)
  .get("/", zValidator("header", resumeHeader, invalidInput), zValidator("query", resumeQuery, invalidInput), (c) => {
    const cursor = resumeCursor(c.req.valid("header"), c.req.valid("query"));
    return openStream(c, cursor, uiRenderer(c.var.scope, c.var.locale));
  });

/**
 * Long-poll fallback of `/ui/events` for networks where streams keep failing: the same
 * fragments, concatenated, then the poller that asks from the next cursor (also in
 * `X-Last-Event-Id`); mounted at /ui/events/poll.
 */
export const uiPollRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/", zValidator("query", pollQuery, invalidInput), async (c) => {
    const after = c.req.valid("query").after ?? null;
    const { events, cursor } = await pollEvents(c, after, { timeoutMs: POLL_TIMEOUT_MS, signal: c.req.raw.signal });
    c.header("X-Last-Event-Id", String(cursor));
    c.header("Cache-Control", "no-store");
    return c.html(`${await renderUiEvents(c.var.scope, c.var.locale, events)}${EventPoll({ after: cursor })}`);
  });
