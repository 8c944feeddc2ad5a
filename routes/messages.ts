import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../server/env.ts";
import { parseInput, validate } from "./errors.ts";
import { requireUser } from "./middleware.ts";
import {
  listMessages,
  MAX_CONTENT_LENGTH,
  MAX_PAGE,
  type NewMessageInput,
  sendMessage,
} from "../chat/messages/messages.ts";
import { deleteMessage, editMessage } from "../chat/messages/changes.ts";
import { addReaction, removeReaction } from "../chat/messages/reactions.ts";
import { markRead } from "../chat/conversations/read_state.ts";
import { AppError, badRequest } from "../chat/errors.ts";
import { text } from "../chat/text.ts";
import { isUploadRequest, sendUpload } from "./uploads.ts";
import { customFieldValuesInput } from "../chat/custom_fields/definitions.ts";

const pageQuery = z.object({
  since_id: z.string().max(100).optional(),
  before_id: z.string().max(100).optional(),
  around_id: z.string().max(100).optional(),
  sender_id: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});
// message text keeps format characters: emoji sequences are joined by U+200D
export const sendBody = z.object({
  content: text().max(MAX_CONTENT_LENGTH).optional(),
  parent_id: text().max(100).nullish(),
  client_id: text().min(1).max(100).nullish(),
  custom_fields: customFieldValuesInput.optional(),
});
export const editBody = z.object({
  content: text().max(MAX_CONTENT_LENGTH).optional(),
  custom_fields: customFieldValuesInput.optional(),
}).refine((b) => b.content !== undefined || b.custom_fields !== undefined, {
  message: "give content or custom_fields",
});
export const reactionBody = z.object({ emoji: text().min(1).max(64) });
const readBody = z.object({ up_to_id: text().max(100).nullish() });

/** The send input from a JSON body. */
async function readSendInput(c: Context<AppEnv>): Promise<NewMessageInput> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw badRequest("Malformed JSON body");
  }
  const b = parseInput(sendBody, raw);
  return { content: b.content, parentId: b.parent_id, clientId: b.client_id, customFields: b.custom_fields };
}

export const messageRoutes = new Hono<AppEnv>()
  .get("/conversations/:id/messages", requireUser, validate("query", pageQuery), async (c) => {
    const q = c.req.valid("query");
    const page = {
      sinceId: q.since_id,
      beforeId: q.before_id,
      aroundId: q.around_id,
      senderId: q.sender_id,
      limit: q.limit,
    };
    return c.json(await listMessages(c.var.scope, c.req.param("id"), page));
  })
  .post("/conversations/:id/messages", requireUser, async (c) => {
    const id = c.req.param("id");
    const { message } = isUploadRequest(c)
      ? await sendUpload(c, id)
      : await sendMessage(c.var.scope, id, await readSendInput(c), c.var.deps);
    // a retried send answers exactly like the first one
    return c.json(message, 201);
  })
  .post("/conversations/:id/mark_read", requireUser, validate("json", readBody), async (c) => {
    const n = await markRead(c.var.scope, c.req.param("id"), c.req.valid("json").up_to_id);
    return c.json({ status: "ok", marked_read: n });
  })
  .put("/conversations/:id/read", requireUser, validate("json", readBody), async (c) => {
    const n = await markRead(c.var.scope, c.req.param("id"), c.req.valid("json").up_to_id);
    return c.json({ status: "ok", marked_read: n });
  })
  .patch("/messages/:id", requireUser, validate("json", editBody), async (c) => {
    const b = c.req.valid("json");
    const change = { content: b.content, customFields: b.custom_fields };
    return c.json(await editMessage(c.var.scope, c.req.param("id"), change, c.var.deps));
  })
  .delete(
    "/messages/:id",
    requireUser,
    async (c) => c.json(await deleteMessage(c.var.scope, c.req.param("id"), c.var.deps)),
  )
  .post("/messages/:id/reactions", requireUser, validate("json", reactionBody), async (c) => {
    const emoji = c.req.valid("json").emoji;
    const { message, changed } = await addReaction(c.var.scope, c.req.param("id"), emoji, c.var.deps);
    return c.json(message, changed ? 201 : 200);
  })
  .delete("/messages/:id/reactions", requireUser, async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const parsed = reactionBody.safeParse({ emoji: c.req.query("emoji") ?? body?.emoji });
    if (!parsed.success) throw new AppError("validation_error", "Invalid body: emoji is required");
    const { message } = await removeReaction(c.var.scope, c.req.param("id"), parsed.data.emoji, c.var.deps);
    return c.json(message);
  });
