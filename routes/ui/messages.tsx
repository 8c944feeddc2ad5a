import { Hono } from "hono";
import type { BlankSchema } from "hono/types";
import { zValidator } from "@hono/zod-validator";
import { listMessages } from "../../chat/messages/messages.ts";
import { deleteMessage, editMessage } from "../../chat/messages/changes.ts";
import { toggleReaction } from "../../chat/messages/reactions.ts";
import { badRequest } from "../../chat/errors.ts";
import { MessageUpsert, Reactions } from "../../views/message_item.tsx";
import { MessagePage } from "../../views/message_list.tsx";
import type { AppEnv } from "../../server/env.ts";
import { editBody, pageQuery, reactionBody, sendBody } from "../schemas.ts";
import { sendFromRequest, unlessUpload } from "../uploads.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { messageFragment, PAGE_SIZE, parentsOf } from "./pane.tsx";

const olderQuery = withoutEmpty(pageQuery.pick({ before_id: true, since_id: true }));

/**
 * A conversation's messages as fragments, mounted by `uiConversationRoutes` at
 * /:id/messages (it checks the session). The composer posts multipart, which streams its
 * files (see `isUploadRequest`): no validator reads that body ahead of it.
 */
export const uiConversationMessageRoutes = new Hono<AppEnv, BlankSchema, "/:id/messages">()
  .get("/", zValidator("query", olderQuery, invalidInput), async (c) => {
    const id = c.req.param("id");
    const { before_id: beforeId, since_id: sinceId } = c.req.valid("query");
    const messages = await listMessages(c.var.scope, id, { beforeId, sinceId, limit: PAGE_SIZE });
    return c.html(
      <MessagePage
        conversationId={id}
        messages={messages}
        hasMore={messages.length === PAGE_SIZE}
        newer={sinceId !== undefined}
        parents={await parentsOf(c.var.scope, messages)}
      />,
    );
  })
  // a form without files may come urlencoded
  .post("/", unlessUpload(zValidator("form", withoutEmpty(sendBody), invalidInput)), async (c) => {
    const message = await sendFromRequest(c, c.req.param("id"), c.req.valid("form"));
    return c.html(await messageFragment(c.var.scope, message), 201);
  });

/** What a member does to one message from the page; mounted at /ui/messages. */
export const uiMessageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .post("/:id/edit", zValidator("form", withoutEmpty(editBody), invalidInput), async (c) => {
    const content = (c.req.valid("form").content ?? "").trim();
    if (!content) throw badRequest("Cannot edit message: content is empty");
    const message = await editMessage(c.var.scope, c.req.param("id"), { content }, c.var.deps);
    return c.html(await messageFragment(c.var.scope, message));
  })
  .post("/:id/delete", async (c) => {
    const message = await deleteMessage(c.var.scope, c.req.param("id"), c.var.deps);
    return c.html(
      <MessageUpsert conversationId={message.conversation}>
        {await messageFragment(c.var.scope, message)}
      </MessageUpsert>,
    );
  })
  .post("/:id/react", zValidator("form", withoutEmpty(reactionBody), invalidInput), async (c) => {
    const { emoji } = c.req.valid("form");
    const { message } = await toggleReaction(c.var.scope, c.req.param("id"), emoji, c.var.deps);
    // answered as a partial, so the same response works from a chip (outerHTML) or the toolbar (no swap)
    return c.html(
      <hx-partial hx-target={`#reactions-${message.id}`} hx-swap="outerHTML">
        <Reactions message={message} />
      </hx-partial>,
    );
  });
