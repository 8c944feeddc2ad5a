import type { Db } from "./client.ts";

declare const brand: unique symbol;
type Brand<T, B> = T & { readonly [brand]: B };

export type TenantId = Brand<string, "TenantId">;
export type UserId = Brand<string, "UserId">;

/** Tenant-only scope for server-side work that acts for no particular user (system messages, seeding). */
export interface TenantOnlyScope {
  readonly tenantId: TenantId;
  readonly db: Db;
}
