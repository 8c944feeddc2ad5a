import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";
import { users } from "./users.ts";

export const CONVERSATION_KINDS = [
  "direct",
  "group",
  "channel",
  "support",
  "assistant",
] as const;
export type ConversationKind = typeof CONVERSATION_KINDS[number];
export const PARTICIPANT_ROLES = ["owner", "admin", "member"] as const;
export type ParticipantRole = typeof PARTICIPANT_ROLES[number];

/** Conversations of every kind. `directKey` (the two user ids, sorted) makes a direct chat unique per pair. */
export const conversations = sqliteTable("conversations", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  kind: text("kind", { enum: CONVERSATION_KINDS }).notNull(),
  title: text("title"),
  topic: text("topic"),
  createdBy: text("created_by").references(() => users.id, {
    onDelete: "set null",
  }),
  directKey: text("direct_key"),
  lastMessageId: text("last_message_id"),
  lastMessageAt: integer("last_message_at", { mode: "timestamp_ms" }),
  contextType: text("context_type"),
  contextId: text("context_id"),
  customFields: text("custom_fields", { mode: "json" }).$type<
    Record<string, unknown>
  >().notNull().default({}),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  index("conversations_tenant_last_message_idx").on(
    t.tenantId,
    t.lastMessageAt,
  ),
  uniqueIndex("conversations_tenant_direct_uq").on(t.tenantId, t.directKey),
  uniqueIndex("conversations_tenant_context_uq").on(
    t.tenantId,
    t.contextType,
    t.contextId,
  ),
  index("conversations_tenant_kind_idx").on(t.tenantId, t.kind),
]);

/** The conversation a row belongs to; deleting the conversation deletes the row. */
export function conversationIdColumn() {
  return text("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" });
}

/**
 * Membership plus per-user state. Read and delivery state are watermarks (message ids),
 * so sending a message writes nothing per recipient.
 */
export const participants = sqliteTable("participants", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  conversationId: conversationIdColumn(),
  userId: text("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  role: text("role", { enum: PARTICIPANT_ROLES }).notNull().default("member"),
  lastReadMessageId: text("last_read_message_id"),
  lastDeliveredMessageId: text("last_delivered_message_id"),
  isArchived: integer("is_archived", { mode: "boolean" }).notNull().default(
    false,
  ),
  isMuted: integer("is_muted", { mode: "boolean" }).notNull().default(false),
  joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull(),
  leftAt: integer("left_at", { mode: "timestamp_ms" }),
}, (t) => [
  uniqueIndex("participants_conversation_user_uq").on(
    t.conversationId,
    t.userId,
  ),
  index("participants_tenant_user_idx").on(t.tenantId, t.userId),
]);

export type Conversation = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;
export type Participant = typeof participants.$inferSelect;
