import { builtOncePer } from "./prepared.ts";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type Tenant, tenants } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/**
 * Finds a workspace by its public slug. This is the one lookup that does not start
 * from a scope: it is how a login or signup learns which tenant it is about.
 */
export async function findTenantBySlug(
  db: DbOrTx,
  slug: string,
): Promise<Tenant | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug))
    .limit(1);
  return row;
}

/** The caller's own tenant. */
export async function getTenant(scope: TenantOnlyScope): Promise<Tenant> {
  const [row] = await tenantQuery(scope.db).execute({ tenantId: scope.tenantId });
  return row;
}

// Read on every send (chat settings): built once per database or transaction.
const tenantQuery = builtOncePer(buildTenantQuery);

function buildTenantQuery(db: DbOrTx) {
  return db.select().from(tenants).where(eq(tenants.id, sql.placeholder("tenantId"))).limit(1).prepare();
}

/** Replaces the tenant's settings. */
export async function updateTenantSettings(
  tx: DbOrTx,
  scope: TenantOnlyScope,
  settings: Record<string, unknown>,
): Promise<void> {
  await tx.update(tenants).set({ settings }).where(
    eq(tenants.id, scope.tenantId),
  );
}

/** Renames the tenant. */
export async function updateTenantName(tx: DbOrTx, scope: TenantOnlyScope, name: string): Promise<void> {
  await tx.update(tenants).set({ name }).where(eq(tenants.id, scope.tenantId));
}
