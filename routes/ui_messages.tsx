import { Hono } from "hono";
import type { Context } from "hono";
import { listMessages, sendMessage } from "../chat/messages.ts";
import { deleteMessage, editMessage } from "../chat/message_changes.ts";
import { toggleReaction } from "../chat/reactions.ts";
import { markRead } from "../chat/read_state.ts";
import { badRequest, notFound } from "../chat/errors.ts";
import { isUuid } from "../chat/ids.ts";
import { MessageItem, Reactions } from "../views/message_item.tsx";
import { MessagePage } from "../views/message_list.tsx";
import { UnreadBadge } from "../views/conversation_list.tsx";
import type { AppEnv } from "./env.ts";
import { PAGE_SIZE, parentsOf } from "./ui_pane.tsx";
import { isUploadRequest, uploadSource } from "./uploads.ts";
import { sendMessageWithFiles } from "../chat/message_uploads.ts";

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

async function formInput(c: Context<AppEnv>) {
  const body = await c.req.parseBody();
  return {
    content: text(body.content),
    parentId: text(body.parent_id) || null,
    clientId: text(body.client_id) || null,
  };
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
    ? await sendMessageWithFiles(c.var.scope, id, uploadSource(c), c.var.deps)
    : await sendMessage(c.var.scope, id, await formInput(c), c.var.deps);
  return c.html(<MessageItem message={message} />, 201);
});

uiMessageRoutes.post("/ui/messages/:id/edit", async (c) => {
  const body = await c.req.parseBody();
  const content = text(body.content)?.trim();
  if (!content) throw badRequest("Cannot edit message: content is empty");
  const message = await editMessage(c.var.scope, c.req.param("id"), content, c.var.deps);
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
  const emoji = text(body.emoji);
  if (!emoji) throw badRequest("Cannot react: emoji is missing");
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
  const { realtime, bus } = c.var.deps;
  const user = c.var.user;
  const id = c.req.param("id");
  if (!isUuid(id) || !await realtime.hub.isParticipant(user.tenantId, id, user.id)) throw notFound("Conversation");
  const event = realtime.typing.signal(user.tenantId, id, user);
  if (event) await bus.publish({ kind: "ephemeral", event });
  return c.body(null, 204);
});
