import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { tenantIdColumn } from "./tenants.ts";
import { users } from "./users.ts";
import { conversations } from "./conversations.ts";

export const SUPPORT_STATES = ["bot", "queued", "claimed", "closed"] as const;
export type SupportState = typeof SUPPORT_STATES[number];

/**
 * The state of a support conversation: answered by the bot, waiting in the agents' queue,
 * claimed by an agent, or closed. A requester has at most one that is not closed.
 */
export const supportTickets = sqliteTable("support_tickets", {
  conversationId: text("conversation_id").primaryKey().references(() => conversations.id, { onDelete: "cascade" }),
  tenantId: tenantIdColumn(),
  requesterId: text("requester_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  state: text("state", { enum: SUPPORT_STATES }).notNull(),
  /** Requester messages in a row that no rule matched. */
  misses: integer("misses").notNull().default(0),
  waitingSince: integer("waiting_since", { mode: "timestamp_ms" }),
  claimedBy: text("claimed_by").references(() => users.id, { onDelete: "set null" }),
  claimedAt: integer("claimed_at", { mode: "timestamp_ms" }),
  closedAt: integer("closed_at", { mode: "timestamp_ms" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  index("support_tickets_tenant_state_idx").on(t.tenantId, t.state, t.waitingSince),
  uniqueIndex("support_tickets_tenant_open_requester_uq").on(t.tenantId, t.requesterId)
    .where(sql`state <> 'closed'`),
]);

/**
 * Bot accounts of integrations. The bot is a user (`user_id`); its API token is kept only as
 * a SHA-256 hash. The webhook secret is kept as is: every delivery is signed with it.
 */
export const botAccounts = sqliteTable("bot_accounts", {
  userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  tenantId: tenantIdColumn(),
  tokenHash: text("token_hash").notNull(),
  webhookUrl: text("webhook_url"),
  webhookSecret: text("webhook_secret"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  lastError: text("last_error"),
  lastErrorAt: integer("last_error_at", { mode: "timestamp_ms" }),
}, (t) => [index("bot_accounts_tenant_idx").on(t.tenantId)]);

export type SupportTicket = typeof supportTickets.$inferSelect;
export type BotAccount = typeof botAccounts.$inferSelect;
