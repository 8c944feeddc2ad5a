import { getTenant } from "../../db/tenants.ts";
import { audit } from "../../db/audit.ts";
import { findUser, updateUser } from "../../db/users.ts";
import type { Tenant, User } from "../../db/schema/mod.ts";
import { verifyInvite } from "./auth.ts";
import { AppError } from "../errors.ts";
import { hashPassword } from "./passwords.ts";
import { type AccountDeps, type ClientInfo, openSession, type SignedIn } from "./accounts.ts";
import type { TenantId } from "../tenancy.ts";

const INVALID = "Invite link is invalid, expired or already used";

/**
 * The person and workspace an invite link is for, or null when the link is invalid, expired
 * or already used (the user has a password) or the account was deactivated.
 * @param deps the database and signing keys
 * @param token the token from the link
 */
export async function openInvite(
  deps: Pick<AccountDeps, "database" | "keys">,
  token: string,
): Promise<{ user: User; tenant: Tenant } | null> {
  const invite = await verifyInvite(deps.keys, token);
  if (!invite) return null;
  const scope = { tenantId: invite.tenantId as TenantId, db: deps.database.db };
  const user = await findUser(scope, invite.userId);
  if (!user || !user.isActive || user.passwordHash) return null;
  return { user, tenant: await getTenant(scope) };
}

/**
 * Sets a first password (and optionally the display name) from a one-time invite link and
 * signs the user in. The link dies once a password is set.
 */
export async function acceptInvite(
  deps: AccountDeps,
  input: { token: string; password: string; name?: string } & ClientInfo,
): Promise<SignedIn> {
  const db = deps.database.db;
  const opened = await openInvite(deps, input.token);
  if (!opened) throw new AppError("not_found", INVALID);
  const scope = { tenantId: opened.user.tenantId as TenantId, db };
  const passwordHash = await hashPassword(input.password);
  const name = input.name?.trim();
  const updated = await db.transaction(async (tx) => {
    // two tabs posting the same link at once: only the first sets the password
    const current = await findUser(scope, opened.user.id, tx);
    if (!current || current.passwordHash || !current.isActive) throw new AppError("not_found", INVALID);
    const updated = (await updateUser(scope, current.id, { passwordHash, ...(name ? { name } : {}) }, tx))!;
    await audit(tx, scope, {
      actorId: current.id,
      action: "user.invite_accepted",
      targetType: "user",
      targetId: current.id,
      ip: input.ip,
    });
    return updated;
  });
  const token = await openSession(db, deps.keys, updated, input);
  return { token, user: updated, tenant: opened.tenant };
}
