import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn, tenants } from "./tenants.ts";

export const auditLog = sqliteTable("audit_log", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  actorId: text("actor_id"),
  action: text("action").notNull(),
  targetType: text("target_type"),
  targetId: text("target_id"),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>()
    .notNull().default({}),
  ip: text("ip"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [index("audit_tenant_created_idx").on(t.tenantId, t.createdAt)]);

export const customFieldDefinitions = sqliteTable(
  "custom_field_definitions",
  {
    id: text("id").primaryKey(),
    tenantId: tenantIdColumn(),
    entity: text("entity", { enum: ["conversation", "message"] }).notNull(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type", {
      enum: ["text", "number", "boolean", "date", "select"],
    }).notNull(),
    options: text("options", { mode: "json" }).$type<string[]>(),
    required: integer("required", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (
    t,
  ) => [
    uniqueIndex("custom_fields_tenant_entity_key_uq").on(
      t.tenantId,
      t.entity,
      t.key,
    ),
  ],
);

export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  url: text("url").notNull(),
  secret: text("secret").notNull(),
  eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
  isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** The dispatcher process sending this webhook's queue, until `leaseUntil` (ms); another may take over after. */
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until"),
}, (t) => [index("webhooks_tenant_idx").on(t.tenantId)]);

/** The retention job's last run as each workspace saw it: when, and what it removed there. */
export const retentionRuns = sqliteTable("retention_runs", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id, { onDelete: "cascade" }),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
  purgedMessages: integer("purged_messages").notNull(),
  purgedAttachments: integer("purged_attachments").notNull(),
});

export type AuditEntry = typeof auditLog.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
