import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { mentions, type Message, messageEdits, messages, type NewMessage } from "./schema/mod.ts";
import type { TenantOnlyScope } from "../chat/tenancy.ts";
import { uuidv7 } from "../chat/ids.ts";

/** The columns a message object is built from; the others stay unread on hot paths. */
const objectColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  senderId: messages.senderId,
  kind: messages.kind,
  content: messages.content,
  parentId: messages.parentId,
  hasAttachments: messages.hasAttachments,
  createdAt: messages.createdAt,
  updatedAt: messages.updatedAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
};

/** A message as its API object needs it. */
export type MessageRow = Pick<Message, keyof typeof objectColumns>;

/** Inserts a message in the caller's tenant. */
export async function insertMessage(
  scope: TenantOnlyScope,
  values: Omit<NewMessage, "tenantId">,
  db: DbOrTx = scope.db,
): Promise<Message> {
  const [row] = await db.insert(messages).values({ ...values, tenantId: scope.tenantId }).returning();
  return row;
}

/** `insertMessage` as a statement for a batch (returning nothing: the caller has the values). */
export function messageInsert(
  scope: TenantOnlyScope,
  values: Omit<NewMessage, "tenantId">,
  db: DbOrTx = scope.db,
) {
  return db.insert(messages).values({ ...values, tenantId: scope.tenantId });
}

/** A message of the caller's tenant by id (callers check the conversation's visibility). */
export async function findMessage(
  scope: TenantOnlyScope,
  messageId: string,
  db: DbOrTx = scope.db,
): Promise<Message | undefined> {
  const [row] = await db.select().from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, messageId))).limit(1);
  return row;
}

/** Messages of the caller's tenant by id. */
export async function findMessages(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
): Promise<Message[]> {
  if (messageIds.length === 0) return [];
  return await db.select().from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), inArray(messages.id, messageIds)));
}

/** The message a sender already sent with this client id, if any. */
export async function findByClientId(
  scope: TenantOnlyScope,
  key: { conversationId: string; senderId: string; clientId: string },
  db: DbOrTx = scope.db,
): Promise<MessageRow | undefined> {
  const [row] = await db.select(objectColumns).from(messages).where(and(
    eq(messages.tenantId, scope.tenantId),
    eq(messages.conversationId, key.conversationId),
    eq(messages.senderId, key.senderId),
    eq(messages.clientId, key.clientId),
  )).limit(1);
  return row;
}

/**
 * One page of a conversation, always ascending by id. Keyset pagination on the
 * (conversation_id, id) index: `beforeId` pages back, `sinceId` pages forward,
 * neither gives the newest page.
 */
export async function listMessagePage(
  scope: TenantOnlyScope,
  conversationId: string,
  page: { beforeId?: string; sinceId?: string; limit: number },
  db: DbOrTx = scope.db,
): Promise<MessageRow[]> {
  const base = and(eq(messages.conversationId, conversationId), eq(messages.tenantId, scope.tenantId));
  if (page.sinceId) {
    return await db.select(objectColumns).from(messages).where(and(base, gt(messages.id, page.sinceId)))
      .orderBy(asc(messages.id)).limit(page.limit);
  }
  const rows = await db.select(objectColumns).from(messages)
    .where(page.beforeId ? and(base, lt(messages.id, page.beforeId)) : base)
    .orderBy(desc(messages.id)).limit(page.limit);
  return rows.reverse();
}

/** The id of the newest message of a conversation. */
export async function newestMessageId(
  scope: TenantOnlyScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<string | null> {
  const [row] = await db.select({ id: messages.id }).from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.tenantId, scope.tenantId)))
    .orderBy(desc(messages.id)).limit(1);
  return row?.id ?? null;
}

/**
 * Counts messages that are unread for a user: others' non-system, not deleted messages after
 * the read watermark (up to `upToId` when given). The count stops at `cap`, so a long
 * backlog costs at most `cap` index steps.
 */
export async function countUnread(
  scope: TenantOnlyScope,
  conversationId: string,
  range: { userId: string; afterId: string | null; upToId?: string; cap: number },
  db: DbOrTx = scope.db,
): Promise<number> {
  const inner = db.select({ one: sql`1` }).from(messages).where(and(
    eq(messages.conversationId, conversationId),
    eq(messages.tenantId, scope.tenantId),
    range.afterId ? gt(messages.id, range.afterId) : undefined,
    range.upToId ? lte(messages.id, range.upToId) : undefined,
    or(isNull(messages.senderId), ne(messages.senderId, range.userId)),
    ne(messages.kind, "system"),
    isNull(messages.deletedAt),
  )).limit(range.cap).as("unread");
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(inner);
  return Number(row.n);
}

/** Replaces a message's content and keeps the former content as edit history. */
export async function reviseMessage(
  scope: TenantOnlyScope,
  message: Message,
  change: { content: string; editedBy: string; at: Date },
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.insert(messageEdits).values({
    id: uuidv7(),
    tenantId: scope.tenantId,
    messageId: message.id,
    content: message.content,
    editedBy: change.editedBy,
    editedAt: change.at,
  });
  await db.update(messages).set({ content: change.content, editedAt: change.at, updatedAt: change.at })
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, message.id)));
}

/**
 * Turns a message into a tombstone. The content, its edit history and its mentions are
 * erased so the former text survives nowhere; who deleted it and when are kept for audit.
 */
export async function tombstoneMessage(
  scope: TenantOnlyScope,
  messageId: string,
  change: { deletedBy: string; at: Date },
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.delete(messageEdits)
    .where(and(eq(messageEdits.tenantId, scope.tenantId), eq(messageEdits.messageId, messageId)));
  await db.delete(mentions).where(and(eq(mentions.tenantId, scope.tenantId), eq(mentions.messageId, messageId)));
  await db.update(messages).set({
    content: "",
    metadata: {},
    hasAttachments: false,
    deletedAt: change.at,
    deletedBy: change.deletedBy,
    updatedAt: change.at,
  }).where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, messageId)));
}

/** Former contents of a message, oldest first. */
export async function listEdits(
  scope: TenantOnlyScope,
  messageId: string,
  db: DbOrTx = scope.db,
) {
  return await db.select().from(messageEdits)
    .where(and(eq(messageEdits.tenantId, scope.tenantId), eq(messageEdits.messageId, messageId)))
    .orderBy(asc(messageEdits.editedAt), asc(messageEdits.id));
}

/** Mentions of the given messages, only what a message object shows. */
export async function listMentionMarks(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
) {
  if (messageIds.length === 0) return [];
  return await db.select({
    messageId: mentions.messageId,
    userId: mentions.userId,
    entityType: mentions.entityType,
    entityId: mentions.entityId,
    label: mentions.label,
  }).from(mentions)
    .where(and(eq(mentions.tenantId, scope.tenantId), inArray(mentions.messageId, messageIds)))
    .orderBy(asc(mentions.createdAt), asc(mentions.id));
}

/** Mentions recorded for the given messages. */
export async function listMentionRows(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
) {
  if (messageIds.length === 0) return [];
  return await db.select().from(mentions)
    .where(and(eq(mentions.tenantId, scope.tenantId), inArray(mentions.messageId, messageIds)))
    .orderBy(asc(mentions.createdAt), asc(mentions.id));
}

/**
 * Rewrites already recorded events that carry a message object, so a deleted message's
 * former text does not survive in the replay log either.
 * @param message the tombstone as the API now shows it
 */
export async function scrubMessageFromEvents(
  scope: TenantOnlyScope,
  message: { id: string; conversation: string },
  tombstone: Record<string, unknown>,
  db: DbOrTx = scope.db,
): Promise<void> {
  const json = JSON.stringify(tombstone);
  await db.run(sql`UPDATE events SET data = json_set(data, '$.message', json(${json}))
    WHERE tenant_id = ${scope.tenantId} AND conversation_id = ${message.conversation}
      AND json_extract(data, '$.message.id') = ${message.id}`);
  await db.run(sql`UPDATE events SET data = json_set(data, '$.conversation.last_message', json(${json}))
    WHERE tenant_id = ${scope.tenantId} AND conversation_id = ${message.conversation}
      AND json_extract(data, '$.conversation.last_message.id') = ${message.id}`);
}
