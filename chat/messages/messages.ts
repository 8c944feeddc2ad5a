import {
  findByClientId,
  findMessage,
  listMessagePage,
  messageInsertStatement,
  type MessageRow,
} from "../../db/messages.ts";
import { attachmentInsertStatement } from "../../db/attachments.ts";
import { lastMessageStatement } from "../../db/conversations.ts";
import {
  deliveryAdvanceStatement,
  findSenderMark,
  listMemberMarks,
  type MemberMark,
  readAdvanceStatement,
} from "../../db/participants.ts";
import type { MessageObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest, notFound } from "../errors.ts";
import { isUuid, uuidv7 } from "../../db/ids.ts";
import { commitBatch } from "../changes.ts";
import { messageObjects, toMessageObject } from "./object.ts";
import { loadChatSettings } from "../settings.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import type { StoredUpload } from "./multipart.ts";
import { mentionInsertStatements } from "../../db/mentions.ts";
import { resolveReferences } from "../mentions/resolve.ts";
import { loadFeatureSettings } from "../workspace_settings.ts";
import { checkCustomFields, type CustomFieldValues } from "../custom_fields/definitions.ts";
import { scheduleIndexing } from "../search/indexer.ts";
import { applyPiiPolicy } from "../pii/mod.ts";
import { piiFlagStatement } from "../../db/pii.ts";
import { auditStatement } from "../../db/audit.ts";
import { withPiiFlags } from "./pii_flags.ts";
import { limitQuestions } from "../assistant/questions.ts";

export const MAX_CONTENT_LENGTH = 5000;
export const MAX_FILES_PER_MESSAGE = 10;
export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

/** Input of `sendMessage`. */
export interface NewMessageInput {
  content?: string;
  parentId?: string | null;
  clientId?: string | null;
  /** Files already in storage (see `sendMessageWithFiles`); removed again if the send fails. */
  files?: StoredUpload[];
  /** The send was counted against the rate limit already, before its body was read. */
  counted?: boolean;
  /** Values of the workspace's message custom fields. */
  customFields?: CustomFieldValues;
}

/**
 * Sends a message, with files. Files were checked and stored before (slow work stays
 * outside the write lock) under fresh random keys; if the transaction fails they are
 * deleted again, so a failed send leaves neither a message nor orphaned bytes.
 * Everything is read and the message object built before the write, so the transaction is
 * one batch of INSERTs and UPDATEs. A `clientId` already used by the sender returns the
 * first message (`created: false`); the unique index settles a race between two retries.
 */
export async function sendMessage(
  scope: TenantScope,
  conversationId: string,
  input: NewMessageInput,
  deps: ChatDeps,
): Promise<{ message: MessageObject; created: boolean }> {
  // only the sender's own membership: a new message is "sent" whoever else is there
  const sender = await requireSenderMark(scope, conversationId, input.clientId ?? null);
  const me = sender.mark;
  const conversation = { id: me.participant.conversationId };
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
  if (clientKey && sender.earlierId) {
    const earlier = await findByClientId(scope, clientKey);
    if (earlier) return { message: await viewMessage(scope, earlier), created: false };
  }
  if (input.parentId) {
    const parent = isUuid(input.parentId) ? await findMessage(scope, input.parentId) : undefined;
    if (!parent || parent.conversationId !== conversation.id) {
      throw badRequest("Cannot send message: parent_id is not a message of this conversation");
    }
  }
  const { customFields: fields, pii } = await loadFeatureSettings(scope);
  // before anything else reads the text: the row, the event, mentions, search and webhooks
  // all see it as the workspace's PII policy leaves it (masked, or refused here)
  const { content: text, flagged } = applyPiiPolicy(pii, content);
  // nothing to check without values or definitions: the common send skips the schema
  const customFields = input.customFields || fields.length > 0
    ? checkCustomFields(fields, "message", input.customFields ?? {})
    : {};
  const settings = await loadChatSettings(scope, deps);
  if (!input.counted) deps.limiter.hit(messageLimitKey(scope), settings.messages_per_min, 60_000);
  await limitQuestions(scope, conversation.id, content, deps);
  // outside the write: an entity resolver may take a while to answer
  const references = await resolveReferences(scope, conversation.id, text, deps);
  const stored = files;
  const now = new Date(deps.now());
  const row: MessageRow = {
    id: uuidv7(now.getTime()),
    conversationId: conversation.id,
    senderId: scope.userId,
    kind: text.trim() ? "text" : "file",
    content: text,
    parentId: input.parentId ?? null,
    hasAttachments: stored.length > 0,
    createdAt: now,
    updatedAt: now,
    editedAt: null,
    deletedAt: null,
    customFields,
    botStatus: null,
    metadata: {},
  };
  const attachments = stored.map((f) => ({
    id: uuidv7(now.getTime()),
    messageId: row.id,
    conversationId: conversation.id,
    filename: f.filename,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    storageKey: f.key,
    uploadedBy: scope.userId,
    createdAt: now,
  }));
  const message = toMessageObject(row, {
    sender: me.user,
    files: attachments,
    reactions: [],
    mentions: references.marks,
    members: [me],
  });
  try {
    await commitBatch(scope, [
      messageInsertStatement(scope, { ...row, clientId: input.clientId ?? null }),
      ...attachments.map((a) => attachmentInsertStatement(scope, a)),
      ...mentionInsertStatements(scope, row, references.targets, now),
      lastMessageStatement(scope, conversation.id, row),
      // a sender has read everything up to their own message
      readAdvanceStatement(scope, me.participant.id, row.id),
      ...(flagged.length > 0 ? flaggedStatements(scope, row, flagged) : []),
    ], [{
      type: "message_created",
      conversationId: conversation.id,
      data: { conversation_id: conversation.id, message },
    }]);
    scheduleIndexing(scope.db);
    deps.afterSend?.(scope, { conversationId: conversation.id, senderId: scope.userId, content, object: message });
    // the flags go to an admin's own answer, never into the event every member receives
    return {
      message: flagged.length > 0 && scope.role === "admin" ? { ...message, pii: flagged } : message,
      created: true,
    };
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
  page: { beforeId?: string; sinceId?: string; aroundId?: string; senderId?: string; limit?: number },
): Promise<MessageObject[]> {
  const limit = page.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`Cannot list messages: limit must be between 1 and ${MAX_PAGE}`);
  }
  if ([page.beforeId, page.sinceId, page.aroundId].filter(Boolean).length > 1) {
    throw badRequest("Cannot list messages: give one of before_id, since_id and around_id");
  }
  for (const cursor of [page.beforeId, page.sinceId, page.aroundId]) {
    if (cursor && !isUuid(cursor)) throw badRequest("Cannot list messages: the cursor is not a message id");
  }
  if (page.senderId && !isUuid(page.senderId)) return [];
  const { members, me } = await requireMembers(scope, conversationId);
  const rows = await listMessagePage(scope, me.participant.conversationId, { ...page, limit });
  const newest = rows.at(-1)?.id;
  if (newest && (me.participant.lastDeliveredMessageId ?? "") < newest) {
    await scope.db.$client.batch([deliveryAdvanceStatement(scope, me.participant.id, newest)], "write");
    // the caller's own watermark counts in the status of others' messages on this page
    me.participant.lastDeliveredMessageId = newest;
  }
  return await withPiiFlags(scope, await messageObjects(scope, rows, members));
}

/**
 * The caller's own membership of a conversation, or 404 as `requireMember` gives. Only
 * that row: a send does not need the other members (a hundred rows in a big group).
 * @param conversationId the conversation, as the request named it
 */
export async function requireOwnMark(scope: TenantScope, conversationId: string): Promise<MemberMark> {
  return (await requireSenderMark(scope, conversationId, null)).mark;
}

/**
 * `requireOwnMark`, and the id of a message the caller already sent with this client id:
 * a send's two checks in one statement.
 */
async function requireSenderMark(scope: TenantScope, conversationId: string, clientId: string | null) {
  const sender = isUuid(conversationId)
    ? await findSenderMark(scope, conversationId, scope.userId, clientId)
    : undefined;
  if (!sender) throw notFound("Conversation");
  return sender;
}

/**
 * The current members of a conversation the caller takes part in, or 404 as
 * `requireMember` gives: one narrow query serves both the check and the message status.
 */
async function requireMembers(scope: TenantScope, conversationId: string) {
  const members = isUuid(conversationId) ? await listMemberMarks(scope, [conversationId]) : [];
  const me = members.find((m) => m.participant.userId === scope.userId);
  if (!me) throw notFound("Conversation");
  return { members, me };
}

async function viewMessage(scope: TenantScope, message: MessageRow, members?: MemberMark[]) {
  members ??= await listMemberMarks(scope, [message.conversationId]);
  const [object] = await messageObjects(scope, [message], members);
  return object;
}

/** Marks a message being sent with the kinds of personal data found, and audits it. */
function flaggedStatements(scope: TenantScope, row: MessageRow, flagged: string[]) {
  return [
    piiFlagStatement(scope, row.id, flagged),
    auditStatement(scope, {
      actorId: scope.userId,
      action: "message.pii_flagged",
      targetType: "message",
      targetId: row.id,
      data: { conversation_id: row.conversationId, pii: flagged },
    }),
  ];
}

/** The rate limit counter of a user's sends. */
export function messageLimitKey(scope: TenantScope): string {
  return `chat:messages:${scope.tenantId}:${scope.userId}`;
}

async function removeAll(scope: TenantScope, stored: { key: string }[], deps: ChatDeps) {
  await Promise.allSettled(stored.map((f) => deps.storage.delete(scope, f.key)));
}
