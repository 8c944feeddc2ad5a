import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import { type DbOrTx, selectRows } from "./client.ts";
import { type Participant, type ParticipantRole, participants, type User, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

/** A participant row together with its user. */
export interface Member {
  participant: Participant;
  user: User;
}

/** What message objects need of a member: watermarks for the status, name and email for a sender. */
export interface MemberMark {
  participant: Pick<Participant, "id" | "conversationId" | "userId" | "lastReadMessageId" | "lastDeliveredMessageId">;
  user: Pick<User, "id" | "name" | "email">;
}

/**
 * Current members of the given conversations, only the columns `MemberMark` needs. Plain
 * SQL: it runs on every send and page, where building the query would cost more than running it.
 */
export async function listMemberMarks(scope: TenantOnlyScope, conversationIds: string[]): Promise<MemberMark[]> {
  if (conversationIds.length === 0) return [];
  return await selectMemberMarks(
    scope,
    `p.conversation_id IN (${conversationIds.map(() => "?").join(", ")})`,
    conversationIds,
  );
}

/**
 * One current member of a conversation with their watermarks and name, or undefined.
 * @param scope the caller's tenant
 * @param conversationId the conversation
 * @param userId the member
 */
export async function findMemberMark(
  scope: TenantOnlyScope,
  conversationId: string,
  userId: string,
): Promise<MemberMark | undefined> {
  const [mark] = await selectMemberMarks(scope, "p.conversation_id = ? AND p.user_id = ?", [conversationId, userId]);
  return mark;
}

/**
 * A sender's own membership of a conversation and whether they sent a message with this
 * client id before (its id): the two checks every send makes, in one statement.
 * @param clientId the send's client id; null never matches
 */
export async function findSenderMark(
  scope: TenantOnlyScope,
  conversationId: string,
  userId: string,
  clientId: string | null,
): Promise<{ mark: MemberMark; earlierId: string | null } | undefined> {
  const [r] = await selectRows(scope.db, {
    sql: `SELECT p.id, p.conversation_id, p.user_id, p.last_read_message_id AS read_id,
        p.last_delivered_message_id AS delivered_id, u.name, u.email,
        (SELECT m.id FROM messages m WHERE m.conversation_id = p.conversation_id AND m.sender_id = p.user_id
          AND m.client_id = ? AND m.tenant_id = p.tenant_id) AS earlier_id
      FROM participants p JOIN users u ON u.id = p.user_id
      WHERE p.conversation_id = ? AND p.user_id = ? AND p.tenant_id = ? AND p.left_at IS NULL`,
    args: [clientId, conversationId, userId, scope.tenantId],
  }, ["id", "conversation_id", "user_id", "read_id", "delivered_id", "name", "email", "earlier_id"]);
  if (!r) return undefined;
  return { mark: memberMarkFrom(r), earlierId: r[7] as string | null };
}

async function selectMemberMarks(scope: TenantOnlyScope, where: string, args: string[]): Promise<MemberMark[]> {
  const rows = await selectRows(scope.db, {
    sql: `SELECT p.id, p.conversation_id, p.user_id, p.last_read_message_id AS read_id,
        p.last_delivered_message_id AS delivered_id, u.name, u.email
      FROM participants p JOIN users u ON u.id = p.user_id
      WHERE ${where} AND p.tenant_id = ? AND p.left_at IS NULL`,
    args: [...args, scope.tenantId],
  }, ["id", "conversation_id", "user_id", "read_id", "delivered_id", "name", "email"]);
  return rows.map(memberMarkFrom);
}

function memberMarkFrom(r: unknown[]): MemberMark {
  return {
    participant: {
      id: r[0] as string,
      conversationId: r[1] as string,
      userId: r[2] as string,
      lastReadMessageId: r[3] as string | null,
      lastDeliveredMessageId: r[4] as string | null,
    },
    user: { id: r[2] as string, name: r[5] as string, email: r[6] as string },
  };
}

/** The user's current membership of a conversation (left members have none). */
export async function findMembership(
  scope: TenantOnlyScope,
  conversationId: string,
  userId: string,
  db: DbOrTx = scope.db,
): Promise<Participant | undefined> {
  const [row] = await db.select().from(participants).where(and(
    eq(participants.tenantId, scope.tenantId),
    eq(participants.conversationId, conversationId),
    eq(participants.userId, userId),
    isNull(participants.leftAt),
  )).limit(1);
  return row;
}

/** Current members of the given conversations with their users, oldest member first. */
export async function listMembers(
  scope: TenantOnlyScope,
  conversationIds: string[],
  db: DbOrTx = scope.db,
): Promise<Member[]> {
  if (conversationIds.length === 0) return [];
  // by conversation: the unary + keeps SQLite from walking the tenant's (tenant, user) index
  return await db.select({ participant: participants, user: users }).from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(and(
      sql`+${participants.tenantId} = ${scope.tenantId}`,
      inArray(participants.conversationId, conversationIds),
      isNull(participants.leftAt),
    ))
    .orderBy(asc(participants.joinedAt), asc(participants.id));
}

/**
 * Adds members, or brings back members who had left. A (re)joining member starts with
 * everything before `lastMessageId` read, so old history does not count as unread.
 */
export async function upsertMembers(
  scope: TenantOnlyScope,
  conversationId: string,
  members: { userId: string; role: ParticipantRole }[],
  options: { now: Date; lastMessageId: string | null },
  db: DbOrTx = scope.db,
): Promise<void> {
  if (members.length === 0) return;
  await db.insert(participants).values(members.map((m) => ({
    id: uuidv7(),
    tenantId: scope.tenantId,
    conversationId,
    userId: m.userId,
    role: m.role,
    lastReadMessageId: options.lastMessageId,
    lastDeliveredMessageId: options.lastMessageId,
    joinedAt: options.now,
  }))).onConflictDoUpdate({
    target: [participants.conversationId, participants.userId],
    set: {
      role: sql`excluded.role`,
      leftAt: null,
      joinedAt: sql`excluded.joined_at`,
      lastReadMessageId: sql`excluded.last_read_message_id`,
      lastDeliveredMessageId: sql`excluded.last_delivered_message_id`,
      isArchived: false,
    },
    setWhere: sql`${participants.leftAt} IS NOT NULL`,
  });
}

/** Marks a member as gone; the row stays so a return keeps the same id. */
export async function markLeft(
  scope: TenantOnlyScope,
  conversationId: string,
  userId: string,
  now: Date,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(participants).set({ leftAt: now }).where(and(
    eq(participants.tenantId, scope.tenantId),
    eq(participants.conversationId, conversationId),
    eq(participants.userId, userId),
  ));
}

/** Changes a member's role in a conversation. */
export async function setMemberRole(
  scope: TenantOnlyScope,
  participantId: string,
  role: ParticipantRole,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(participants).set({ role })
    .where(and(eq(participants.tenantId, scope.tenantId), eq(participants.id, participantId)));
}

/** Sets the per-user archived or muted flag. */
export async function setMemberFlags(
  scope: TenantOnlyScope,
  participantId: string,
  flags: { isArchived?: boolean; isMuted?: boolean },
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(participants).set(flags)
    .where(and(eq(participants.tenantId, scope.tenantId), eq(participants.id, participantId)));
}

/** Moves the read watermark (and the delivery watermark with it) forward, never back. */
export async function advanceRead(
  scope: TenantOnlyScope,
  participantId: string,
  messageId: string,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(participants).set({
    lastReadMessageId: messageId,
    lastDeliveredMessageId: sql`max(coalesce(${participants.lastDeliveredMessageId}, ''), ${messageId})`,
  }).where(and(
    eq(participants.tenantId, scope.tenantId),
    eq(participants.id, participantId),
    or(isNull(participants.lastReadMessageId), lt(participants.lastReadMessageId, messageId)),
  ));
}

/** `advanceRead` as a statement for a batch. */
export function readAdvanceStatement(scope: TenantOnlyScope, participantId: string, messageId: string): InStatement {
  return {
    sql: `UPDATE participants SET last_read_message_id = ?1,
        last_delivered_message_id = max(coalesce(last_delivered_message_id, ''), ?1)
      WHERE id = ?2 AND tenant_id = ?3 AND (last_read_message_id IS NULL OR last_read_message_id < ?1)`,
    args: [messageId, participantId, scope.tenantId],
  };
}

/** Moves the delivery watermark forward, as a statement for a batch. */
export function deliveryAdvanceStatement(
  scope: TenantOnlyScope,
  participantId: string,
  messageId: string,
): InStatement {
  return {
    sql: `UPDATE participants SET last_delivered_message_id = ?1
      WHERE id = ?2 AND tenant_id = ?3 AND (last_delivered_message_id IS NULL OR last_delivered_message_id < ?1)`,
    args: [messageId, participantId, scope.tenantId],
  };
}

/** Ids of the users who share at least one current conversation with `userId` (themself included). */
export async function coMemberIds(
  scope: TenantOnlyScope,
  userId: string,
  db: DbOrTx = scope.db,
): Promise<Set<string>> {
  const mine = db.select({ id: participants.conversationId }).from(participants).where(and(
    eq(participants.tenantId, scope.tenantId),
    eq(participants.userId, userId),
    isNull(participants.leftAt),
  ));
  const rows = await db.selectDistinct({ userId: participants.userId }).from(participants).where(and(
    eq(participants.tenantId, scope.tenantId),
    inArray(participants.conversationId, mine),
    isNull(participants.leftAt),
  ));
  return new Set([userId, ...rows.map((r) => r.userId)]);
}

/** Ids of the conversations a user currently takes part in. */
export async function listConversationIdsOf(scope: TenantOnlyScope, userId: string): Promise<string[]> {
  const rows = await selectRows(scope.db, {
    sql: "SELECT conversation_id FROM participants WHERE tenant_id = ? AND user_id = ? AND left_at IS NULL",
    args: [scope.tenantId, userId],
  }, ["conversation_id"]);
  return rows.map((r) => r[0] as string);
}
