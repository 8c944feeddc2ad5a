import { Hono } from "hono";
import type { BlankSchema } from "hono/types";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { listMessages } from "../../chat/messages/messages.ts";
import { deleteMessage, editMessage, getMessage } from "../../chat/messages/changes.ts";
import { addReaction, removeReaction } from "../../chat/messages/reactions.ts";
import { requireUser } from "../middleware.ts";
import { editBody, pageQuery, reactionBody, sendBody } from "../schemas.ts";
import { sendFromRequest, unlessUpload } from "../uploads.ts";
import { invalidInput, when } from "../validation.ts";

const emojiQuery = z.object({ emoji: reactionBody.shape.emoji.optional() });

/**
 * A conversation's messages, mounted by `conversationRoutes` at /:id/messages (it checks
 * the session). A multipart send streams its files (see `isUploadRequest`): no validator
 * reads that body ahead of it.
 */
export const conversationMessageRoutes = new Hono<AppEnv, BlankSchema, "/:id/messages">()
  .get("/", zValidator("query", pageQuery, invalidInput), async (c) => {
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
  .post("/", unlessUpload(zValidator("json", sendBody, invalidInput)), async (c) => {
    const message = await sendFromRequest(c, c.req.param("id"), c.req.valid("json"));
    // a retried send answers exactly like the first one
    return c.json(message, 201);
  });

/** One message: edits, deletion and reactions, mounted at /api/chat/messages. */
export const messageRoutes = new Hono<AppEnv>()
  .use(requireUser)
  // one message, 404 unless the caller is in its conversation
  .get("/:id", async (c) => c.json(await getMessage(c.var.scope, c.req.param("id"))))
  .patch("/:id", zValidator("json", editBody, invalidInput), async (c) => {
    const b = c.req.valid("json");
    const change = { content: b.content, customFields: b.custom_fields };
    return c.json(await editMessage(c.var.scope, c.req.param("id"), change, c.var.deps));
  })
  .delete("/:id", async (c) => c.json(await deleteMessage(c.var.scope, c.req.param("id"), c.var.deps)))
  .post("/:id/reactions", zValidator("json", reactionBody, invalidInput), async (c) => {
    const emoji = c.req.valid("json").emoji;
    const { message, changed } = await addReaction(c.var.scope, c.req.param("id"), emoji, c.var.deps);
    return c.json(message, changed ? 201 : 200);
  })
  // the emoji goes in the query (DELETE bodies are dropped by some clients) or in a JSON body
  .delete(
    "/:id/reactions",
    zValidator("query", emojiQuery, invalidInput),
    when((c) => c.req.query("emoji") === undefined, zValidator("json", reactionBody, invalidInput)),
    async (c) => {
      const emoji = c.req.valid("query").emoji ?? c.req.valid("json").emoji;
      const { message } = await removeReaction(c.var.scope, c.req.param("id"), emoji, c.var.deps);
      return c.json(message);
    },
  );
