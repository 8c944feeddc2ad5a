import { sql } from "drizzle-orm";
import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";
import { users } from "./users.ts";
import { conversationIdColumn } from "./conversations.ts";

export const MESSAGE_KINDS = ["text", "file", "system", "bot"] as const;
export type MessageKind = typeof MESSAGE_KINDS[number];
/** A bot message's progress; the sent/delivered/read status does not apply to bot messages. */
export const BOT_STATUSES = ["streaming", "complete", "failed"] as const;
export type BotStatus = typeof BOT_STATUSES[number];

/** Messages; ids are UUIDv7 so their order is the conversation's order. Deletion is a tombstone. */
export const messages = sqliteTable("messages", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  conversationId: conversationIdColumn(),
  senderId: text("sender_id").references(() => users.id, {
    onDelete: "set null",
  }),
  kind: text("kind", { enum: MESSAGE_KINDS }).notNull().default("text"),
  content: text("content").notNull().default(""),
  parentId: text("parent_id"),
  hasAttachments: integer("has_attachments", { mode: "boolean" }).notNull()
    .default(false),
  metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>()
    .notNull().default({}),
  customFields: text("custom_fields", { mode: "json" }).$type<
    Record<string, unknown>
  >().notNull().default({}),
  clientId: text("client_id"),
  /** Kinds of personal data found when the PII policy flags (e.g. `["card"]`); NULL for none. */
  pii: text("pii", { mode: "json" }).$type<string[]>(),
  /** Set for `kind: "bot"` messages only. */
  botStatus: text("bot_status", { enum: BOT_STATUSES }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  editedAt: integer("edited_at", { mode: "timestamp_ms" }),
  deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  deletedBy: text("deleted_by"),
  /** When retention removed what the message held; such a message stays only as a stub its replies point at. */
  purgedAt: integer("purged_at", { mode: "timestamp_ms" }),
}, (t) => [
  index("messages_conversation_id_idx").on(t.conversationId, t.id),
  uniqueIndex("messages_client_id_uq").on(
    t.conversationId,
    t.senderId,
    t.clientId,
  ),
  index("messages_tenant_sender_idx").on(t.tenantId, t.senderId),
  // retention: deleted messages by age of deletion, a workspace's messages by age, and a
  // message's replies (deleted ones and replies only, so plain sends pay nothing for those);
  // purged stubs are left out
  index("messages_deleted_idx").on(t.deletedAt).where(sql`deleted_at IS NOT NULL AND purged_at IS NULL`),
  index("messages_tenant_created_idx").on(t.tenantId, t.createdAt).where(sql`purged_at IS NULL`),
  index("messages_parent_idx").on(t.parentId).where(sql`parent_id IS NOT NULL`),
]);

/** Former contents of edited messages (never of deleted ones: deletion clears them). */
export const messageEdits = sqliteTable("message_edits", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  messageId: text("message_id").notNull().references(() => messages.id, {
    onDelete: "cascade",
  }),
  content: text("content").notNull(),
  editedBy: text("edited_by"),
  editedAt: integer("edited_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [index("message_edits_message_idx").on(t.messageId)]);

/** Files sent with messages. The bytes live in storage under `storageKey`. */
export const attachments = sqliteTable("attachments", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  messageId: text("message_id").notNull().references(() => messages.id, {
    onDelete: "cascade",
  }),
  conversationId: conversationIdColumn(),
  filename: text("filename").notNull(),
  contentType: text("content_type").notNull(),
  size: integer("size").notNull(),
  sha256: text("sha256").notNull(),
  storageKey: text("storage_key").notNull().unique(),
  uploadedBy: text("uploaded_by"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [index("attachments_message_idx").on(t.messageId)]);

/** File bytes for the `db` storage backend. */
export const attachmentBlobs = sqliteTable("attachment_blobs", {
  storageKey: text("storage_key").primaryKey(),
  tenantId: tenantIdColumn(),
  data: blob("data", { mode: "buffer" }).notNull(),
});

export const reactions = sqliteTable(
  "reactions",
  {
    id: text("id").primaryKey(),
    tenantId: tenantIdColumn(),
    messageId: text("message_id").notNull().references(() => messages.id, {
      onDelete: "cascade",
    }),
    userId: text("user_id").notNull().references(() => users.id, {
      onDelete: "cascade",
    }),
    emoji: text("emoji").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (
    t,
  ) => [
    uniqueIndex("reactions_message_user_emoji_uq").on(
      t.messageId,
      t.userId,
      t.emoji,
    ),
  ],
);

/**
 * What a message points at: a user (`userId`), everyone in its conversation (`everyone`,
 * from `@all`), or a business entity (`entityType`/`entityId` with its `url` and `label` as
 * resolved when the message was written). Rows are rewritten when the message is edited.
 */
export const mentions = sqliteTable("mentions", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  messageId: text("message_id").notNull().references(() => messages.id, {
    onDelete: "cascade",
  }),
  conversationId: text("conversation_id"),
  userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  everyone: integer("everyone", { mode: "boolean" }).notNull().default(false),
  entityType: text("entity_type"),
  entityId: text("entity_id"),
  label: text("label"),
  url: text("url"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  index("mentions_tenant_user_idx").on(t.tenantId, t.userId),
  index("mentions_message_idx").on(t.messageId),
  index("mentions_conversation_message_idx").on(t.conversationId, t.messageId),
]);

export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type Attachment = typeof attachments.$inferSelect;
export type Reaction = typeof reactions.$inferSelect;
export type Mention = typeof mentions.$inferSelect;
