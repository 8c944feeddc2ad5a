import { getTenant } from "../db/tenants.ts";
import { findUser, updateUser } from "../db/users.ts";
import { verifyInvite } from "./auth.ts";
import { AppError } from "./errors.ts";
import { hashPassword } from "./passwords.ts";
import { type AccountDeps, type ClientInfo, openSession, type SignedIn } from "./accounts.ts";
import type { TenantId } from "./tenancy.ts";

/**
 * Sets a first password from a one-time invite link and signs the user in. The link dies
 * once a password is set.
 */
export async function acceptInvite(
  deps: AccountDeps,
  input: { token: string; password: string } & ClientInfo,
): Promise<SignedIn> {
  const db = deps.database.db;
  const invite = await verifyInvite(deps.keys, input.token);
  const scope = invite ? { tenantId: invite.tenantId as TenantId, db } : null;
  const user = scope && invite ? await findUser(scope, invite.userId) : undefined;
  const tenant = scope && user ? await getTenant(scope) : undefined;
  if (!scope || !user || !tenant || !user.isActive || user.passwordHash) {
    throw new AppError("not_found", "Invite link is invalid, expired or already used");
  }
  const updated = (await updateUser(scope, user.id, { passwordHash: await hashPassword(input.password) }))!;
  const token = await openSession(db, deps.keys, updated, input);
  return { token, user: updated, tenant };
}
