import { and, eq, gt, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import { type DbOrTx, selectRows } from "./client.ts";
import { mentions, type Message, messageEdits, messages, type NewMessage } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

/** A message as its API object needs it (the other columns stay unread on hot paths). */
export type MessageRow = Pick<
  Message,
  | "id"
  | "conversationId"
  | "senderId"
  | "kind"
  | "content"
  | "parentId"
  | "hasAttachments"
  | "createdAt"
  | "updatedAt"
  | "editedAt"
  | "deletedAt"
  | "customFields"
  | "botStatus"
  | "metadata"
>;

/*
 * The send and page paths run on every message, so their statements are plain SQL on the
 * libSQL client: building a query with drizzle costs more than SQLite takes to run it.
 * `messageRowFrom` reads the columns of `ROW_SQL` by position.
 */
const ROW_COLUMNS = [
  "id",
  "conversation_id",
  "sender_id",
  "kind",
  "content",
  "parent_id",
  "has_attachments",
  "created_at",
  "updated_at",
  "edited_at",
  "deleted_at",
  "custom_fields",
  "bot_status",
  "metadata",
];
const ROW_SQL = ROW_COLUMNS.join(", ");

function messageRowFrom(r: unknown[]): MessageRow {
  return {
    id: r[0] as string,
    conversationId: r[1] as string,
    senderId: r[2] as string | null,
    kind: r[3] as MessageRow["kind"],
    content: r[4] as string,
    parentId: r[5] as string | null,
    hasAttachments: r[6] === 1,
    createdAt: new Date(r[7] as number),
    updatedAt: new Date(r[8] as number),
    editedAt: r[9] === null ? null : new Date(r[9] as number),
    deletedAt: r[10] === null ? null : new Date(r[10] as number),
    customFields: r[11] === "{}" || r[11] === null ? {} : JSON.parse(r[11] as string),
    botStatus: r[12] as MessageRow["botStatus"],
    // only system messages carry metadata worth reading (what happened, to whom)
    metadata: r[3] === "system" && typeof r[13] === "string" ? JSON.parse(r[13]) : {},
  };
}

/** `insertMessage` as a statement for a batch; metadata keeps its default. */
export function messageInsertStatement(
  scope: TenantOnlyScope,
  m: MessageRow & { clientId: string | null },
): InStatement {
  return {
    sql: `INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, parent_id,
      has_attachments, client_id, created_at, updated_at, custom_fields, bot_status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      m.id,
      scope.tenantId,
      m.conversationId,
      m.senderId,
      m.kind,
      m.content,
      m.parentId,
      m.hasAttachments ? 1 : 0,
      m.clientId,
      m.createdAt.getTime(),
      m.updatedAt.getTime(),
      JSON.stringify(m.customFields),
      m.botStatus,
    ],
  };
}

/** Inserts a message in the caller's tenant. */
export async function insertMessage(
  scope: TenantOnlyScope,
  values: Omit<NewMessage, "tenantId">,
  db: DbOrTx = scope.db,
): Promise<Message> {
  const [row] = await db.insert(messages).values({ ...values, tenantId: scope.tenantId }).returning();
  return row;
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
  // by primary key: the unary + keeps SQLite from walking the tenant's index instead,
  // which visits every message of the tenant
  return await db.select().from(messages)
    .where(and(sql`+${messages.tenantId} = ${scope.tenantId}`, inArray(messages.id, messageIds)));
}

/** The message a sender already sent with this client id, if any. */
export async function findByClientId(
  scope: TenantOnlyScope,
  key: { conversationId: string; senderId: string; clientId: string },
): Promise<MessageRow | undefined> {
  const [row] = await selectRows(scope.db, {
    sql: `SELECT ${ROW_SQL} FROM messages
      WHERE conversation_id = ? AND sender_id = ? AND client_id = ? AND tenant_id = ? LIMIT 1`,
    args: [key.conversationId, key.senderId, key.clientId, scope.tenantId],
  }, ROW_COLUMNS);
  return row ? messageRowFrom(row) : undefined;
}

/**
 * One page of a conversation, always ascending by id. Keyset pagination on the
 * (conversation_id, id) index: `beforeId` pages back, `sinceId` pages forward, `aroundId`
 * gives the page centred on that message, none gives the newest page. `senderId` keeps
 * one sender's messages only.
 */
export async function listMessagePage(
  scope: TenantOnlyScope,
  conversationId: string,
  page: { beforeId?: string; sinceId?: string; aroundId?: string; senderId?: string; limit: number },
): Promise<MessageRow[]> {
  if (page.aroundId) return await listAround(scope, conversationId, { ...page, aroundId: page.aroundId });
  const bySender = page.senderId ? " AND sender_id = ?" : "";
  const base = `SELECT ${ROW_SQL} FROM messages WHERE conversation_id = ? AND tenant_id = ?${bySender}`;
  const args = page.senderId ? [conversationId, scope.tenantId, page.senderId] : [conversationId, scope.tenantId];
  const stmt = page.sinceId
    ? { sql: `${base} AND id > ? ORDER BY id ASC LIMIT ?`, args: [...args, page.sinceId, page.limit] }
    : page.beforeId
    ? { sql: `${base} AND id < ? ORDER BY id DESC LIMIT ?`, args: [...args, page.beforeId, page.limit] }
    : { sql: `${base} ORDER BY id DESC LIMIT ?`, args: [...args, page.limit] };
  const rows = (await selectRows(scope.db, stmt, ROW_COLUMNS)).map(messageRowFrom);
  // ids are time-ordered, so sorting by id gives the conversation's order
  return rows.sort((a, b) => a.id < b.id ? -1 : 1);
}

/**
 * `limit` messages around one: as many older as newer where the conversation has them, the
 * message itself included (with an even limit, one more older than newer).
 */
async function listAround(
  scope: TenantOnlyScope,
  conversationId: string,
  page: { aroundId: string; senderId?: string; limit: number },
): Promise<MessageRow[]> {
  const [older, newer] = await Promise.all([
    listMessagePage(scope, conversationId, { beforeId: page.aroundId, senderId: page.senderId, limit: page.limit }),
    listMessagePage(scope, conversationId, {
      sinceId: page.aroundId,
      senderId: page.senderId,
      limit: page.limit,
    }),
  ]);
  const center = await selectRows(scope.db, {
    sql: `SELECT ${ROW_SQL} FROM messages WHERE id = ? AND conversation_id = ? AND tenant_id = ?`,
    args: [page.aroundId, conversationId, scope.tenantId],
  }, ROW_COLUMNS);
  const own = center.map(messageRowFrom);
  const after = Math.min(
    newer.length,
    Math.max(Math.floor((page.limit - own.length) / 2), page.limit - own.length - older.length),
  );
  const before = Math.min(older.length, page.limit - own.length - after);
  return [...older.slice(older.length - before), ...own, ...newer.slice(0, after)];
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

/**
 * Every current member's unread count (capped), mute and archive flags in one conversation, in one
 * statement: a pushed message needs them for all its recipients at once.
 */
export async function countUnreadForMembers(
  scope: TenantOnlyScope,
  conversationId: string,
  cap: number,
): Promise<Map<string, { unread: number; muted: boolean; archived: boolean }>> {
  const rows = await scope.db.all<{ user_id: string; muted: number; archived: number; unread: number }>(sql`
    SELECT p.user_id, p.is_muted AS muted, p.is_archived AS archived, (
      SELECT count(*) FROM (
        SELECT 1 FROM messages m
        WHERE m.conversation_id = p.conversation_id AND m.tenant_id = p.tenant_id
          AND m.id > coalesce(p.last_read_message_id, '')
          AND (m.sender_id IS NULL OR m.sender_id <> p.user_id)
          AND m.kind <> 'system' AND m.deleted_at IS NULL
        LIMIT ${cap}
      )
    ) AS unread
    FROM participants p
    WHERE p.tenant_id = ${scope.tenantId} AND p.conversation_id = ${conversationId} AND p.left_at IS NULL`);
  return new Map(rows.map((r) => [r.user_id, {
    unread: Number(r.unread),
    muted: Number(r.muted) === 1,
    archived: Number(r.archived) === 1,
  }]));
}

/** Replaces a message's content and keeps the former content as edit history. */
export async function reviseMessage(
  scope: TenantOnlyScope,
  message: Message,
  change: { content: string; editedBy: string; at: Date; pii?: string[] },
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
  // the PII flags describe the current text: a new text is flagged afresh or not at all
  const pii = change.pii?.length ? change.pii : null;
  await db.update(messages).set({ content: change.content, editedAt: change.at, updatedAt: change.at, pii })
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
