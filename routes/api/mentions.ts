import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireUser } from "../middleware.ts";
import { listMentions } from "../../chat/mentions/mentions.ts";
import { MAX_PAGE } from "../../chat/messages/messages.ts";

const mentionsQuery = z.object({
  before_id: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});

/** `GET /api/chat/mentions/`: messages that mention the caller, newest first. */
export const mentionRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", zValidator("query", mentionsQuery, invalidInput), async (c) => {
    const q = c.req.valid("query");
    return c.json(await listMentions(c.var.scope, { beforeId: q.before_id, limit: q.limit }));
  });
