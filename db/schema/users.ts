import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";

export const USER_ROLES = ["admin", "member", "guest"] as const;
export type UserRole = typeof USER_ROLES[number];

/** People in a workspace. Email and username are unique per tenant, not globally. */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  email: text("email").notNull(),
  username: text("username").notNull(),
  name: text("name").notNull(),
  role: text("role", { enum: USER_ROLES }).notNull().default("member"),
  locale: text("locale"),
  timeZone: text("time_zone"),
  passwordHash: text("password_hash"),
  isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
  /** A bot account: it cannot sign in, is always online, and its messages are `kind: "bot"`. */
  isBot: integer("is_bot", { mode: "boolean" }).notNull().default(false),
  externalId: text("external_id"),
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  uniqueIndex("users_tenant_email_uq").on(t.tenantId, t.email),
  uniqueIndex("users_tenant_username_uq").on(t.tenantId, t.username),
  uniqueIndex("users_tenant_external_uq").on(t.tenantId, t.externalId),
  index("users_tenant_name_idx").on(t.tenantId, t.name),
]);

/** Signed-in sessions; a JWT is honoured only while its row is neither revoked nor expired. */
export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  userId: text("user_id").notNull().references(() => users.id, {
    onDelete: "cascade",
  }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  userAgent: text("user_agent"),
  ip: text("ip"),
}, (t) => [index("sessions_tenant_user_idx").on(t.tenantId, t.userId)]);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Session = typeof sessions.$inferSelect;
