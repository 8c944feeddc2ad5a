import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";

/**
 * The durable, ordered event log. The integer id is assigned at insert inside the
 * transaction that made the change, so id order is commit order; SSE ids are these ids.
 * `conversationId` routes to that conversation's participants; `userId` additionally
 * names one user who must hear it (e.g. someone just removed).
 */
export const events = sqliteTable("events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tenantId: tenantIdColumn(),
  type: text("type").notNull(),
  conversationId: text("conversation_id"),
  userId: text("user_id"),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>()
    .notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [index("events_created_idx").on(t.createdAt)]);

export type EventRow = typeof events.$inferSelect;
