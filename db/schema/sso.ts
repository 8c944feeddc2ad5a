import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantIdColumn } from "./tenants.ts";

/**
 * A workspace's shared secrets for host-signed sign-in tokens (HS256), named by key id. A
 * retired secret stays for the record but verifies nothing; two live ones allow a rotation.
 */
export const ssoSecrets = sqliteTable("sso_secrets", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  kid: text("kid").notNull(),
  secret: text("secret").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  retiredAt: integer("retired_at", { mode: "timestamp_ms" }),
}, (t) => [uniqueIndex("sso_secrets_tenant_kid_uq").on(t.tenantId, t.kid)]);

/** Sign-in token ids already used, kept until the token expires: a token signs in once. */
export const ssoUsedTokens = sqliteTable("sso_used_tokens", {
  tenantId: tenantIdColumn(),
  jti: text("jti").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.jti] }),
  index("sso_used_tokens_expires_idx").on(t.expiresAt),
]);

export type SsoSecret = typeof ssoSecrets.$inferSelect;
