import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { requireUser } from "../middleware.ts";
import { resumeCursor, resumeHeader, resumeQuery } from "../schemas.ts";
import { openStream, pollEvents } from "../streams.ts";
import { invalidInput } from "../validation.ts";

const pollQuery = resumeQuery.extend({ timeout: z.coerce.number().int().min(0).max(25).optional() });

/** The signed-in user's events as JSON: a stream, or a long poll; mounted at /api/chat/events. */
export const eventRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", zValidator("header", resumeHeader, invalidInput), zValidator("query", resumeQuery, invalidInput), (c) => {
    return openStream(c, resumeCursor(c.req.valid("header"), c.req.valid("query")));
  })
  .get(
    "/poll",
    zValidator("header", resumeHeader, invalidInput),
    zValidator("query", pollQuery, invalidInput),
    async (c) => {
      const q = c.req.valid("query");
      const after = resumeCursor(c.req.valid("header"), q);
      const { events, cursor } = await pollEvents(c, after, { timeoutMs: (q.timeout ?? 25) * 1000 });
      c.header("x-last-event-id", String(cursor));
      return c.json(events.map((e) => ({ id: e.id || null, type: e.type, data: e.data })));
    },
  );
