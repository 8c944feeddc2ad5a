import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Workspaces. Every other table hangs off one of these. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>()
    .notNull().default({}),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** The tenant a row belongs to; deleting the tenant deletes the row. */
export function tenantIdColumn() {
  return text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" });
}

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
