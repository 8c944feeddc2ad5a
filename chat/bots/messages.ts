import { findMessage, messageInsertStatement, type MessageRow } from "../../db/messages.ts";
import { lastMessageStatement } from "../../db/conversations.ts";
import { findMemberMark, listMemberMarks, readAdvanceStatement } from "../../db/participants.ts";
import { updateBotMessageStatement } from "../../db/bot_messages.ts";
import type { BotStatus, MessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { notFound } from "../errors.ts";
import { isUuid, uuidv7 } from "../../db/ids.ts";
import { commitBatch } from "../changes.ts";
import { messageObjects, toMessageObject } from "../messages/object.ts";
import { MAX_CONTENT_LENGTH } from "../messages/messages.ts";
import { scheduleIndexing } from "../search/indexer.ts";

/**
 * Posts a bot message through the normal path: one batch with its `message_created` event,
 * the conversation's last message and the bot's read mark, then fan-out. The bot must be a
 * participant. A streaming answer starts empty with `status: "streaming"` and is finished by
 * `updateBotMessage`.
 * @param scope the bot's scope (`botScope`)
 * @param options status (default complete), parentId: the message it answers in a thread, now
 */
export async function postBotMessage(
  scope: TenantScope,
  conversationId: string,
  content: string,
  options: { status?: BotStatus; parentId?: string | null; now?: () => number } = {},
): Promise<MessageObject> {
  const me = isUuid(conversationId) ? await findMemberMark(scope, conversationId, scope.userId) : undefined;
  if (!me) throw notFound("Conversation");
  const now = new Date((options.now ?? Date.now)());
  const row: MessageRow = {
    id: uuidv7(now.getTime()),
    conversationId,
    senderId: scope.userId,
    kind: "bot",
    content: content.slice(0, MAX_CONTENT_LENGTH),
    parentId: options.parentId ?? null,
    hasAttachments: false,
    createdAt: now,
    updatedAt: now,
    editedAt: null,
    deletedAt: null,
    customFields: {},
    botStatus: options.status ?? "complete",
    metadata: {},
  };
  const message = toMessageObject(row, { sender: me.user, files: [], reactions: [], mentions: [], members: [me] });
  await commitBatch(scope, [
    messageInsertStatement(scope, { ...row, clientId: null }),
    lastMessageStatement(scope, conversationId, row),
    readAdvanceStatement(scope, me.participant.id, row.id),
  ], [{ type: "message_created", conversationId, data: { conversation_id: conversationId, message } }]);
  scheduleIndexing(scope.db);
  return message;
}

/**
 * Replaces a bot message's whole content and status and records `message_updated` with the
 * message as it now is, so a client replaying the log always gets a complete text. Not an
 * edit: no edit history, no `edited_at`.
 * @param scope the bot's scope
 * @param change the whole content so far, the status, and for a streamed text the last delta's seq it includes;
 * `base`: the message as posted, for snapshots taken while it streams, which then read nothing
 */
export async function updateBotMessage(
  scope: TenantScope,
  messageId: string,
  change: { content: string; status: BotStatus; seq?: number; base?: MessageObject; now?: () => number },
): Promise<MessageObject> {
  const updatedAt = new Date((change.now ?? Date.now)());
  const content = change.content.slice(0, MAX_CONTENT_LENGTH);
  const message = change.base?.id === messageId
    ? { ...change.base, content, status: change.status, updated_at: updatedAt.toISOString() }
    : await currentObject(scope, messageId, { content, botStatus: change.status, updatedAt });
  await commitBatch(scope, [
    updateBotMessageStatement(scope, { id: messageId, content, botStatus: change.status, updatedAt }),
  ], [{
    type: "message_updated",
    conversationId: message.conversation,
    data: { conversation_id: message.conversation, message, ...(change.seq !== undefined ? { seq: change.seq } : {}) },
  }]);
  return message;
}

async function currentObject(
  scope: TenantScope,
  messageId: string,
  change: Pick<MessageRow, "content" | "botStatus" | "updatedAt">,
): Promise<MessageObject> {
  const found = await findMessage(scope, messageId);
  if (!found || found.kind !== "bot" || found.senderId !== scope.userId || found.deletedAt) throw notFound("Message");
  const members = await listMemberMarks(scope, [found.conversationId]);
  const [message] = await messageObjects(scope, [{ ...found, ...change }], members);
  return message;
}
