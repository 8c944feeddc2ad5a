import { base64url } from "jose";
import { insertSsoSecret, listSsoSecrets, retireSsoSecret } from "../../db/sso.ts";
import { audit } from "../../db/audit.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { TenantScope } from "../tenancy.ts";
import { forbidden, notFound } from "../errors.ts";

/** A live SSO secret as the admin API lists it (the secret itself is shown only once). */
export interface SsoSecretObject {
  kid: string;
  created_at: string;
}

function requireAdmin(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}

function randomText(bytes: number): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Creates an SSO secret for HS256 sign-in tokens. The answer is the only time the secret is
 * shown; hosts name it by `kid` in the token header.
 */
export async function createSsoSecret(
  scope: TenantScope,
  meta: { now: number; ip?: string | null },
): Promise<{ kid: string; secret: string; created_at: string }> {
  requireAdmin(scope);
  const created = new Date(meta.now);
  const row = { id: uuidv7(), kid: `k_${randomText(9)}`, secret: randomText(32), createdAt: created, retiredAt: null };
  await scope.db.transaction(async (tx) => {
    await insertSsoSecret(tx, scope, row);
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "sso_secret.created",
      targetType: "sso_secret",
      targetId: row.kid,
      ip: meta.ip,
    });
  });
  return { kid: row.kid, secret: row.secret, created_at: created.toISOString() };
}

/** The workspace's live SSO secrets: key ids and creation times. */
export async function listSsoSecretObjects(scope: TenantScope): Promise<SsoSecretObject[]> {
  requireAdmin(scope);
  return (await listSsoSecrets(scope)).map((s) => ({ kid: s.kid, created_at: s.createdAt.toISOString() }));
}

/** Retires a secret: tokens signed with it no longer sign anyone in. 404 for an unknown or retired kid. */
export async function retireSsoSecretByKid(
  scope: TenantScope,
  kid: string,
  meta: { now: number; ip?: string | null },
): Promise<void> {
  requireAdmin(scope);
  await scope.db.transaction(async (tx) => {
    if (!await retireSsoSecret(tx, scope, kid, new Date(meta.now))) throw notFound("SSO secret");
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "sso_secret.retired",
      targetType: "sso_secret",
      targetId: kid,
      ip: meta.ip,
    });
  });
}
