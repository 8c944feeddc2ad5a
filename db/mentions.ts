import { and, eq, sql } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import { type DbOrTx, selectRows } from "./client.ts";
import { mentions } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

/** What a message points at, as stored: a user, everyone (`@all`) or an entity. */
export type MentionTarget =
  | { kind: "user"; userId: string }
  | { kind: "everyone" }
  | { kind: "entity"; type: string; id: string; url: string; label: string };

/** A mention as message objects show it; the user's username and name are read as they are now. */
export interface MentionMark {
  messageId: string;
  userId: string | null;
  username: string | null;
  name: string | null;
  everyone: boolean;
  entityType: string | null;
  entityId: string | null;
  url: string | null;
  label: string | null;
}

/** A user a mention could name: active in the tenant, with whether they are in the conversation. */
export interface MentionCandidate {
  id: string;
  username: string;
  name: string;
  role: "admin" | "member" | "guest";
  isMember: boolean;
}

/**
 * Active users of the tenant with one of the usernames, each with whether they currently
 * take part in the conversation.
 */
export async function findMentionCandidates(
  scope: TenantOnlyScope,
  conversationId: string,
  usernames: string[],
): Promise<MentionCandidate[]> {
  if (usernames.length === 0) return [];
  const rows = await selectRows(scope.db, {
    sql: `SELECT u.id, u.username, u.name, u.role, p.id IS NOT NULL AS member FROM users u
      LEFT JOIN participants p ON p.user_id = u.id AND p.conversation_id = ? AND p.tenant_id = u.tenant_id
        AND p.left_at IS NULL
      WHERE u.tenant_id = ? AND u.is_active = 1 AND u.username IN (${usernames.map(() => "?").join(", ")})`,
    args: [conversationId, scope.tenantId, ...usernames],
  }, ["id", "username", "name", "role", "member"]);
  return rows.map((r) => ({
    id: r[0] as string,
    username: r[1] as string,
    name: r[2] as string,
    role: r[3] as MentionCandidate["role"],
    isMember: r[4] === 1,
  }));
}

/** The kind of a conversation and the user's role in it (undefined when they are not in it). */
export async function findConversationRole(
  scope: TenantOnlyScope,
  conversationId: string,
  userId: string,
): Promise<{ kind: string; role: string | null } | undefined> {
  const [row] = await selectRows(scope.db, {
    sql: `SELECT c.kind, p.role FROM conversations c
      LEFT JOIN participants p ON p.conversation_id = c.id AND p.user_id = ? AND p.left_at IS NULL
      WHERE c.id = ? AND c.tenant_id = ?`,
    args: [userId, conversationId, scope.tenantId],
  }, ["kind", "role"]);
  return row ? { kind: row[0] as string, role: row[1] as string | null } : undefined;
}

function mentionValues(
  scope: TenantOnlyScope,
  message: { id: string; conversationId: string },
  targets: MentionTarget[],
  at: Date,
) {
  return targets.map((t) => ({
    id: uuidv7(at.getTime()),
    tenantId: scope.tenantId,
    messageId: message.id,
    conversationId: message.conversationId,
    userId: t.kind === "user" ? t.userId : null,
    everyone: t.kind === "everyone",
    entityType: t.kind === "entity" ? t.type : null,
    entityId: t.kind === "entity" ? t.id : null,
    url: t.kind === "entity" ? t.url : null,
    label: t.kind === "entity" ? t.label : null,
    createdAt: at,
  }));
}

/** The mentions of a new message as one statement for its send batch (none when there are none). */
export function mentionInsertStatements(
  scope: TenantOnlyScope,
  message: { id: string; conversationId: string },
  targets: MentionTarget[],
  at: Date,
): InStatement[] {
  if (targets.length === 0) return [];
  const rows = mentionValues(scope, message, targets, at);
  return [{
    sql: `INSERT INTO mentions (id, tenant_id, message_id, conversation_id, user_id, everyone, entity_type, entity_id,
        url, label, created_at) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    args: rows.flatMap((r) => [
      r.id,
      r.tenantId,
      r.messageId,
      r.conversationId,
      r.userId,
      r.everyone ? 1 : 0,
      r.entityType,
      r.entityId,
      r.url,
      r.label,
      r.createdAt.getTime(),
    ]),
  }];
}

/** Replaces a message's mentions (after an edit). */
export async function replaceMentions(
  scope: TenantOnlyScope,
  message: { id: string; conversationId: string },
  targets: MentionTarget[],
  at: Date,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.delete(mentions).where(and(eq(mentions.tenantId, scope.tenantId), eq(mentions.messageId, message.id)));
  if (targets.length > 0) await db.insert(mentions).values(mentionValues(scope, message, targets, at));
}

/** Mentions of the given messages, in the order they were written. */
export async function listMentionMarks(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
): Promise<MentionMark[]> {
  if (messageIds.length === 0) return [];
  const rows = await db.all<Record<string, string | number | null>>(sql`
    SELECT m.message_id, m.user_id, u.username, u.name, m.everyone, m.entity_type, m.entity_id, m.url, m.label
    FROM mentions m LEFT JOIN users u ON u.id = m.user_id
    WHERE m.message_id IN (${sql.join(messageIds.map((id) => sql`${id}`), sql`, `)}) AND m.tenant_id = ${scope.tenantId}
    ORDER BY m.created_at, m.id`);
  return rows.map((r) => ({
    messageId: r.message_id as string,
    userId: r.user_id as string | null,
    username: r.username as string | null,
    name: r.name as string | null,
    everyone: Number(r.everyone) === 1,
    entityType: r.entity_type as string | null,
    entityId: r.entity_id as string | null,
    url: r.url as string | null,
    label: r.label as string | null,
  }));
}

/**
 * Joins a participant row `p` to the messages after its read watermark that mention that
 * participant or everyone, not their own and not deleted (`mn`, `m`).
 */
const UNREAD_MENTIONS_OF_PARTICIPANT = sql`JOIN mentions mn ON mn.conversation_id = p.conversation_id
    AND mn.tenant_id = p.tenant_id AND mn.message_id > coalesce(p.last_read_message_id, '')
    AND (mn.user_id = p.user_id OR mn.everyone = 1)
  JOIN messages m ON m.id = mn.message_id AND m.deleted_at IS NULL
    AND (m.sender_id IS NULL OR m.sender_id <> p.user_id)`;

/**
 * Per conversation, how many messages after the user's read watermark mention them or
 * everyone (not their own, not deleted). Only conversations they are in count.
 */
export async function countUnreadMentions(
  scope: TenantOnlyScope,
  userId: string,
  conversationIds: string[],
  db: DbOrTx = scope.db,
): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db.all<{ conversation_id: string; n: number }>(sql`
    SELECT mn.conversation_id, count(DISTINCT mn.message_id) AS n FROM participants p
    ${UNREAD_MENTIONS_OF_PARTICIPANT}
    WHERE p.tenant_id = ${scope.tenantId} AND p.user_id = ${userId} AND p.left_at IS NULL
      AND p.conversation_id IN (${sql.join(conversationIds.map((id) => sql`${id}`), sql`, `)})
    GROUP BY mn.conversation_id`);
  return new Map(rows.map((r) => [r.conversation_id, Number(r.n)]));
}

/**
 * Ids of the newest messages that mention the user, or everyone in a conversation they are
 * in, newest first: messages they may still see (in a conversation they are in, or for a
 * user mention in a channel when `seesChannels`), not deleted, not their own.
 * @param page beforeId: only older messages; limit: how many
 */
export async function listMentioningMessageIds(
  scope: TenantOnlyScope,
  userId: string,
  page: { beforeId?: string; limit: number; seesChannels: boolean },
): Promise<string[]> {
  const before = page.beforeId ?? "~";
  const rows = await selectRows(scope.db, {
    sql: `SELECT m.id FROM messages m
      WHERE m.id IN (
          SELECT message_id FROM mentions WHERE tenant_id = ?1 AND user_id = ?2 AND message_id < ?3
          UNION
          SELECT mn.message_id FROM participants p
            JOIN mentions mn ON mn.conversation_id = p.conversation_id AND mn.everyone = 1 AND mn.message_id < ?3
            WHERE p.tenant_id = ?1 AND p.user_id = ?2 AND p.left_at IS NULL)
        AND m.tenant_id = ?1 AND m.deleted_at IS NULL AND (m.sender_id IS NULL OR m.sender_id <> ?2)
        AND (EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = m.conversation_id AND p.user_id = ?2
              AND p.left_at IS NULL)
          OR (?4 AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.kind = 'channel')))
      ORDER BY m.id DESC LIMIT ?5`,
    args: [scope.tenantId, userId, before, page.seesChannels ? 1 : 0, page.limit],
  }, ["id"]);
  return rows.map((r) => r[0] as string);
}

/**
 * For every current member of one conversation, how many messages after their read
 * watermark mention them or everyone (not their own, not deleted): one read for all the
 * recipients of a pushed event.
 */
export async function countUnreadMentionsOfMembers(
  scope: TenantOnlyScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<Map<string, number>> {
  const rows = await db.all<{ user_id: string; n: number }>(sql`
    SELECT p.user_id, count(DISTINCT mn.message_id) AS n FROM participants p
    ${UNREAD_MENTIONS_OF_PARTICIPANT}
    WHERE p.tenant_id = ${scope.tenantId} AND p.conversation_id = ${conversationId} AND p.left_at IS NULL
    GROUP BY p.user_id`);
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}
