import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireUser } from "../middleware.ts";
import { searchMessages } from "../../chat/search/search.ts";
import { MAX_PAGE } from "../../chat/messages/messages.ts";
import { text } from "../../chat/text.ts";

const DAY_MS = 86_400_000;
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "expected an ISO date (2024-05-31) or date-time",
});
const flag = z.enum(["true", "false", "1", "0"], { error: "expected true or false" });

const searchQuery = z.object({
  q: text().min(1).max(200),
  conversation_id: z.string().max(100).optional(),
  sender_id: z.string().max(100).optional(),
  from: instant.optional(),
  to: instant.optional(),
  has_file: flag.optional(),
  before_id: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});

/** A bound as epoch milliseconds; a plain date as `to` means the end of that day. */
function bound(value: string | undefined, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  // `to` includes the instant it names, and with a plain date the whole of that day
  return end ? at + (dateOnly ? DAY_MS : 1) : at;
}

/** Mounted at /api/chat/search: full-text search of the caller's conversations. */
export const searchRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", zValidator("query", searchQuery, invalidInput), async (c) => {
    const q = c.req.valid("query");
    return c.json(
      await searchMessages(c.var.scope, {
        q: q.q,
        conversationId: q.conversation_id,
        senderId: q.sender_id,
        from: bound(q.from, false),
        to: bound(q.to, true),
        hasFile: q.has_file === undefined ? undefined : q.has_file === "true" || q.has_file === "1",
        beforeId: q.before_id,
        limit: q.limit,
      }),
    );
  });
