import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";
import { webhooks } from "./admin.ts";

/**
 * The durable delivery queue: one row per webhook and event, holding the exact body that is
 * sent (so every retry sends the same bytes). A webhook's rows go out in id order, the next
 * only once the one before is delivered or has failed for good.
 */
export const webhookDeliveries = sqliteTable("webhook_deliveries", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tenantId: tenantIdColumn(),
  webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
  /** The webhook event's id (`Parley-Event-Id`). */
  eventId: text("event_id").notNull(),
  type: text("type").notNull(),
  body: text("body").notNull(),
  state: text("state", { enum: ["pending", "delivered", "failed"] }).notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  lastStatus: integer("last_status"),
  lastError: text("last_error"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
  lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }),
  deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
}, (t) => [
  uniqueIndex("webhook_deliveries_event_uq").on(t.webhookId, t.eventId),
  index("webhook_deliveries_pending_idx").on(t.state, t.webhookId, t.id),
  index("webhook_deliveries_webhook_idx").on(t.webhookId, t.id),
]);

/**
 * How far the dispatcher has turned the event log into deliveries: one row. It moves in the
 * transaction that writes the deliveries, so an event is queued once, and never skipped.
 */
export const webhookDispatch = sqliteTable("webhook_dispatch", {
  id: integer("id").primaryKey(),
  lastEventId: integer("last_event_id").notNull(),
});

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
