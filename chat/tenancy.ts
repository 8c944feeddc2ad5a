import type { Db } from "../db/client.ts";
import type { UserRole } from "../db/schema/mod.ts";
import type { Bus } from "./bus.ts";

import type { TenantId, UserId } from "../db/scope.ts";

export type { TenantId, TenantOnlyScope, UserId } from "../db/scope.ts";

/**
 * The caller's scope: which tenant and which user a request acts for.
 * Data access takes it as its first argument, so no query can forget the tenant.
 * A scope is made only from a verified session (or by trusted server code such as
 * the demo seeder), never from a request parameter.
 */
export interface TenantScope {
  readonly tenantId: TenantId;
  readonly userId: UserId;
  readonly role: UserRole;
  readonly db: Db;
  /** Announces committed events (and carries ephemeral ones) to every process. */
  readonly bus: Bus;
}

/** Builds a scope from verified identity. */
export function scopeFor(
  { db, bus }: { db: Db; bus: Bus },
  identity: { tenantId: string; userId: string; role: UserRole },
): TenantScope {
  return Object.freeze({
    tenantId: identity.tenantId as TenantId,
    userId: identity.userId as UserId,
    role: identity.role,
    db,
    bus,
  });
}
