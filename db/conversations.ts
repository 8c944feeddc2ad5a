import { and, desc, eq, inArray, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import type { DbOrTx } from "./client.ts";
import { type Conversation, conversations, type NewConversation, participants } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** A conversation of the caller's tenant by id (no visibility check: callers check membership). */
export async function findConversation(
  scope: TenantOnlyScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations)
    .where(and(eq(conversations.tenantId, scope.tenantId), eq(conversations.id, conversationId))).limit(1);
  return row;
}

/** The direct conversation of a pair, by its dedupe key. */
export async function findDirectConversation(
  scope: TenantOnlyScope,
  directKey: string,
  db: DbOrTx = scope.db,
): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations)
    .where(and(eq(conversations.tenantId, scope.tenantId), eq(conversations.directKey, directKey))).limit(1);
  return row;
}

/** Inserts a conversation in the caller's tenant. */
export async function insertConversation(
  scope: TenantOnlyScope,
  values: Omit<NewConversation, "tenantId">,
  db: DbOrTx = scope.db,
): Promise<Conversation> {
  const [row] = await db.insert(conversations).values({ ...values, tenantId: scope.tenantId }).returning();
  return row;
}

/** Updates title/topic and bumps updated_at. */
export async function updateConversationRow(
  scope: TenantOnlyScope,
  conversationId: string,
  changes: { title?: string | null; topic?: string | null; updatedAt: Date },
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(conversations).set(changes)
    .where(and(eq(conversations.tenantId, scope.tenantId), eq(conversations.id, conversationId)));
}

/** Caches the newest message on its conversation, which orders the conversation list. */
export async function touchLastMessage(
  scope: TenantOnlyScope,
  conversationId: string,
  message: { id: string; createdAt: Date },
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(conversations).set({
    lastMessageId: message.id,
    lastMessageAt: message.createdAt,
    updatedAt: message.createdAt,
  }).where(and(eq(conversations.tenantId, scope.tenantId), eq(conversations.id, conversationId)));
}

/** `touchLastMessage` as a statement for a batch. */
export function lastMessageStatement(
  scope: TenantOnlyScope,
  conversationId: string,
  message: { id: string; createdAt: Date },
): InStatement {
  return {
    sql:
      "UPDATE conversations SET last_message_id = ?, last_message_at = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
    args: [message.id, message.createdAt.getTime(), message.createdAt.getTime(), conversationId, scope.tenantId],
  };
}

/** Where a page of the conversation list starts: after the conversation with this `updated_at` (and id). */
export interface ConversationCursor {
  updatedAt: Date;
  /** Breaks ties between conversations with the same `updated_at`; without it the whole instant is passed. */
  id?: string;
}

/** Which page of a user's conversation list: archived or not, size, cursor, custom field filters. */
export interface ConversationPageOptions {
  archived: boolean;
  limit: number;
  before?: ConversationCursor;
  customFields?: { key: string; value: string | number }[];
}

/**
 * One page of the conversations a user currently takes part in, newest activity first.
 * The order is `updated_at` (what the objects carry), then id, both descending: a total
 * order, so paging by the last row's pair never skips or repeats one. The user's memberships
 * are found by `participants_tenant_user_idx` and their conversations by primary key; only
 * those are sorted, so a page costs the user's memberships, never the tenant's conversations.
 * @param options archived: list the archived ones instead of the others; before: the cursor
 */
export function conversationPageQuery(
  scope: TenantOnlyScope,
  userId: string,
  options: ConversationPageOptions,
  db: DbOrTx = scope.db,
) {
  const before = options.before;
  const after = before === undefined
    ? undefined
    : before.id === undefined
    ? lt(conversations.updatedAt, before.updatedAt)
    : or(
      lt(conversations.updatedAt, before.updatedAt),
      and(eq(conversations.updatedAt, before.updatedAt), lt(conversations.id, before.id)),
    );
  return db.select({ c: conversations }).from(participants)
    .innerJoin(conversations, eq(conversations.id, participants.conversationId))
    .where(and(
      eq(participants.tenantId, scope.tenantId),
      eq(participants.userId, userId),
      isNull(participants.leftAt),
      eq(participants.isArchived, options.archived),
      after,
      ...(options.customFields ?? []).map((f) =>
        sql`json_extract(${conversations.customFields}, ${`$.${f.key}`}) = ${f.value}`
      ),
    ))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(options.limit);
}

/** Runs `conversationPageQuery`. */
export async function listConversationRowsForUser(
  scope: TenantOnlyScope,
  userId: string,
  options: ConversationPageOptions,
  db: DbOrTx = scope.db,
): Promise<Conversation[]> {
  const rows = await conversationPageQuery(scope, userId, options, db);
  return rows.map((r) => r.c);
}

/** Channels of the tenant that a user is not currently in, for discovery. */
export async function listJoinableChannels(
  scope: TenantOnlyScope,
  userId: string,
  db: DbOrTx = scope.db,
): Promise<Conversation[]> {
  const mine = db.select({ id: participants.conversationId }).from(participants)
    .where(
      and(eq(participants.tenantId, scope.tenantId), eq(participants.userId, userId), isNull(participants.leftAt)),
    );
  return await db.select().from(conversations)
    .where(and(
      eq(conversations.tenantId, scope.tenantId),
      eq(conversations.kind, "channel"),
      notInArray(conversations.id, mine),
    ))
    .orderBy(conversations.title).limit(500);
}

/** Conversations of the caller's tenant by id (no visibility check: callers check membership). */
export async function findConversationsById(
  scope: TenantOnlyScope,
  conversationIds: string[],
  db: DbOrTx = scope.db,
): Promise<Conversation[]> {
  if (conversationIds.length === 0) return [];
  return await db.select().from(conversations)
    .where(and(sql`+${conversations.tenantId} = ${scope.tenantId}`, inArray(conversations.id, conversationIds)));
}

/** The conversation tied to a business object, by its context type and id. */
export async function findContextConversation(
  scope: TenantOnlyScope,
  context: { type: string; id: string },
  db: DbOrTx = scope.db,
): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(and(
    eq(conversations.tenantId, scope.tenantId),
    eq(conversations.contextType, context.type),
    eq(conversations.contextId, context.id),
  )).limit(1);
  return row;
}
