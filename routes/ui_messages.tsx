import { Hono } from "hono";
import type { Context } from "hono";
import { listMessages, sendMessage } from "../chat/messages/messages.ts";
import { deleteMessage, editMessage } from "../chat/messages/changes.ts";
import { toggleReaction } from "../chat/messages/reactions.ts";
import { markRead } from "../chat/conversations/read_state.ts";
import { badRequest } from "../chat/errors.ts";
import { signalTyping } from "../realtime/typing.ts";
import { MessageItem, Reactions } from "../views/message_item.tsx";
import { MessagePage } from "../views/message_list.tsx";
import { UnreadBadge } from "../views/conversation_list.tsx";
import type { AppEnv } from "../server/env.ts";
import { PAGE_SIZE, parentsOf } from "./ui_pane.tsx";
import { parseInput } from "./errors.ts";
import { editBody, reactionBody, sendBody } from "./messages.ts";
import { isUploadRequest, sendUpload } from "./uploads.ts";

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

async function formInput(c: Context<AppEnv>) {
  const body = await c.req.parseBody();
  const fields = parseInput(sendBody, {
    content: text(body.content),
    parent_id: text(body.parent_id) || null,
    client_id: text(body.client_id) || null,
  });
  return { content: fields.content, parentId: fields.parent_id, clientId: fields.client_id };
}

export const uiMessageRoutes = new Hono<AppEnv>();

uiMessageRoutes.get("/ui/conversations/:id/messages", async (c) => {
  const id = c.req.param("id");
  const beforeId = c.req.query("before_id") || undefined;
  const messages = await listMessages(c.var.scope, id, { beforeId, limit: PAGE_SIZE });
  return c.html(
    <MessagePage
      conversationId={id}
      messages={messages}
      hasMore={messages.length === PAGE_SIZE}
      parents={parentsOf(messages)}
    />,
  );
});

uiMessageRoutes.post("/ui/conversations/:id/messages", async (c) => {
  const id = c.req.param("id");
  // the composer sends multipart (it may carry files); a form without files may come urlencoded
  const { message } = isUploadRequest(c)
    ? await sendUpload(c, id)
    : await sendMessage(c.var.scope, id, await formInput(c), c.var.deps);
  return c.html(<MessageItem message={message} />, 201);
});

uiMessageRoutes.post("/ui/messages/:id/edit", async (c) => {
  const body = await c.req.parseBody();
  const content = (parseInput(editBody, { content: text(body.content) ?? "" }).content ?? "").trim();
  if (!content) throw badRequest("Cannot edit message: content is empty");
  const message = await editMessage(c.var.scope, c.req.param("id"), { content }, c.var.deps);
  return c.html(<MessageItem message={message} />);
});

uiMessageRoutes.post("/ui/messages/:id/delete", async (c) => {
  const message = await deleteMessage(c.var.scope, c.req.param("id"), c.var.deps);
  return c.html(
    <hx-upsert hx-target={`#messages-${message.conversation}`}>
      <MessageItem message={message} />
    </hx-upsert>,
  );
});

uiMessageRoutes.post("/ui/messages/:id/react", async (c) => {
  const body = await c.req.parseBody();
  const { emoji } = parseInput(reactionBody, { emoji: text(body.emoji) ?? "" });
  const { message } = await toggleReaction(c.var.scope, c.req.param("id"), emoji, c.var.deps);
  // answered as a partial, so the same response works from a chip (outerHTML) or the toolbar (no swap)
  return c.html(
    <hx-partial hx-target={`#reactions-${message.id}`} hx-swap="outerHTML">
      <Reactions message={message} />
    </hx-partial>,
  );
});

uiMessageRoutes.post("/ui/conversations/:id/read", async (c) => {
  const id = c.req.param("id");
  await markRead(c.var.scope, id);
  return c.html(
    <hx-partial hx-target={`#unread-${id}`} hx-swap="outerHTML">
      <UnreadBadge conversationId={id} count={0} t={c.var.t} />
    </hx-partial>,
  );
});

uiMessageRoutes.post("/ui/conversations/:id/typing", async (c) => {
  await signalTyping(c.var.scope, c.req.param("id"), c.var.user, c.var.deps);
  return c.body(null, 204);
});
