import type { Message } from "../db/schema/mod.ts";
import { findByClientId, findMessage, insertMessage, listMessagePage } from "../db/messages.ts";
import { insertAttachments } from "../db/attachments.ts";
import { touchLastMessage } from "../db/conversations.ts";
import { advanceDelivered, advanceRead, listMembers } from "../db/participants.ts";
import type { MessageObject } from "./objects.ts";
import type { ChatDeps } from "./deps.ts";
import type { TenantScope } from "./tenancy.ts";
import { badRequest } from "./errors.ts";
import { isUuid, uuidv7 } from "./ids.ts";
import { commitChange } from "./changes.ts";
import { requireMember } from "./access.ts";
import { messageObjects, toMessageObject } from "./message_object.ts";
import { loadChatSettings } from "./chat_settings.ts";
import { isUniqueViolation } from "./db_errors.ts";
import { type PreparedFile, prepareUpload } from "./uploads.ts";
import { newStorageKey } from "./storage.ts";

export const MAX_CONTENT_LENGTH = 5000;
export const MAX_FILES_PER_MESSAGE = 10;
export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

/** Input of `sendMessage`. */
export interface NewMessageInput {
  content?: string;
  parentId?: string | null;
  clientId?: string | null;
  files?: File[];
}

/**
 * Sends a message, with files. Files are checked and stored before the transaction (slow
 * work stays outside the write lock) under fresh random keys; if the transaction fails
 * they are deleted again, so a failed send leaves neither a message nor orphaned bytes.
 * A `clientId` already used by the sender returns the first message (`created: false`).
 */
export async function sendMessage(
  scope: TenantScope,
  conversationId: string,
  input: NewMessageInput,
  deps: ChatDeps,
): Promise<{ message: MessageObject; created: boolean }> {
  const { conversation } = await requireMember(scope, conversationId);
  const content = input.content ?? "";
  const files = input.files ?? [];
  if (content.length > MAX_CONTENT_LENGTH) {
    throw badRequest(`Cannot send message: content is longer than ${MAX_CONTENT_LENGTH} characters`);
  }
  if (!content.trim() && files.length === 0) throw badRequest("Cannot send message: it needs content or a file");
  if (files.length > MAX_FILES_PER_MESSAGE) {
    throw badRequest(`Cannot send message: more than ${MAX_FILES_PER_MESSAGE} files`);
  }
  const clientKey = input.clientId
    ? { conversationId: conversation.id, senderId: scope.userId, clientId: input.clientId }
    : null;
  if (clientKey) {
    const earlier = await findByClientId(scope, clientKey);
    if (earlier) return { message: await viewMessage(scope, earlier), created: false };
  }
  if (input.parentId) {
    const parent = isUuid(input.parentId) ? await findMessage(scope, input.parentId) : undefined;
    if (!parent || parent.conversationId !== conversation.id) {
      throw badRequest("Cannot send message: parent_id is not a message of this conversation");
    }
  }
  const settings = await loadChatSettings(scope, deps);
  deps.limiter.hit(`chat:messages:${scope.tenantId}:${scope.userId}`, settings.messages_per_min, 60_000);
  const prepared: PreparedFile[] = [];
  for (const file of files) prepared.push(await prepareUpload(file, deps.config.maxUploadBytes));
  const members = await listMembers(scope, [conversation.id]);
  const me = members.find((m) => m.user.id === scope.userId);
  const stored = await storeAll(scope, prepared, deps);
  const now = new Date(deps.now());
  try {
    return await commitChange(scope, async (tx, record) => {
      const earlier = clientKey ? await findByClientId(scope, clientKey, tx) : undefined;
      if (earlier) return { message: await viewMessage(scope, earlier, tx), created: false, discard: true };
      const message = await insertMessage(scope, {
        id: uuidv7(now.getTime()),
        conversationId: conversation.id,
        senderId: scope.userId,
        kind: content.trim() ? "text" : "file",
        content,
        parentId: input.parentId ?? null,
        hasAttachments: stored.length > 0,
        clientId: input.clientId ?? null,
        createdAt: now,
        updatedAt: now,
      }, tx);
      await insertAttachments(
        scope,
        stored.map((f) => ({
          id: uuidv7(now.getTime()),
          messageId: message.id,
          conversationId: conversation.id,
          filename: f.filename,
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          storageKey: f.key,
          uploadedBy: scope.userId,
          createdAt: now,
        })),
        tx,
      );
      await touchLastMessage(scope, conversation.id, message, tx);
      // a sender has read everything up to their own message
      const members = await listMembers(scope, [conversation.id], tx);
      const me = members.find((m) => m.user.id === scope.userId);
      if (me) await advanceRead(scope, me.participant.id, message.id, tx);
      const [object] = await messageObjects(scope, [message], members, tx);
      await record({
        type: "message_created",
        conversationId: conversation.id,
        data: { conversation_id: conversation.id, message: object },
      });
      return { message: object, created: true, discard: false };
    }).then(async (result) => {
      if (result.discard) await removeAll(scope, stored, deps);
      return { message: result.message, created: result.created };
    });
  } catch (e) {
    await removeAll(scope, stored, deps);
    const winner = clientKey && isUniqueViolation(e) ? await findByClientId(scope, clientKey) : undefined;
    if (!winner) throw e;
    return { message: await viewMessage(scope, winner), created: false };
  }
}

/**
 * A page of messages, ascending by id (see `listMessagePage`). Fetching marks the page
 * delivered to the caller.
 */
export async function listMessages(
  scope: TenantScope,
  conversationId: string,
  page: { beforeId?: string; sinceId?: string; limit?: number },
): Promise<MessageObject[]> {
  const limit = page.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`Cannot list messages: limit must be between 1 and ${MAX_PAGE}`);
  }
  if (page.beforeId && page.sinceId) throw badRequest("Cannot list messages: give before_id or since_id, not both");
  for (const cursor of [page.beforeId, page.sinceId]) {
    if (cursor && !isUuid(cursor)) throw badRequest("Cannot list messages: the cursor is not a message id");
  }
  const { conversation, participant } = await requireMember(scope, conversationId);
  const rows = await listMessagePage(scope, conversation.id, { ...page, limit });
  const newest = rows.at(-1)?.id;
  if (newest && (participant.lastDeliveredMessageId ?? "") < newest) {
    await scope.db.transaction((tx) => advanceDelivered(scope, participant.id, newest, tx));
  }
  const members = await listMembers(scope, [conversation.id]);
  return await messageObjects(scope, rows, members);
}

async function viewMessage(scope: TenantScope, message: Message, db?: Parameters<typeof listMembers>[2]) {
  const members = await listMembers(scope, [message.conversationId], db);
  const [object] = await messageObjects(scope, [message], members, db);
  return object;
}

async function storeAll(scope: TenantScope, files: PreparedFile[], deps: ChatDeps) {
  const stored: (PreparedFile & { key: string })[] = [];
  try {
    for (const file of files) {
      const key = newStorageKey();
      await deps.storage.put(scope, key, file.bytes);
      stored.push({ ...file, key });
    }
  } catch (e) {
    await removeAll(scope, stored, deps);
    throw e;
  }
  return stored;
}

async function removeAll(scope: TenantScope, stored: { key: string }[], deps: ChatDeps) {
  await Promise.allSettled(stored.map((f) => deps.storage.delete(scope, f.key)));
}
