import { jwtVerify, SignJWT } from "jose";
import { audit } from "../../db/audit.ts";
import { findUser, updateUser } from "../../db/users.ts";
import { revokeUserSessions } from "../../db/sessions.ts";
import { getTenant } from "../../db/tenants.ts";
import type { Tenant, User } from "../../db/schema/mod.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import type { TenantId, TenantScope } from "../tenancy.ts";
import type { Bus } from "../bus.ts";
import { keyFor, type SessionKeys } from "./auth.ts";
import { hashPassword } from "./passwords.ts";
import { type AccountDeps, type ClientInfo, openSession, type SignedIn } from "./accounts.ts";

const RESET_AUDIENCE = "parley:password-reset";
const ISSUER = "parley";
/** How long a reset link works. */
export const RESET_TTL_SECONDS = 60 * 60 * 24;
const INVALID = "Password reset link is invalid, expired or already used";

/**
 * A fingerprint of the user's current password hash. A reset link carries it, so the link
 * dies with the password it replaces: once used (or once the password changes any other
 * way) the fingerprint no longer matches. Every hash has its own salt, so setting the same
 * password again still changes it.
 */
async function passwordVersion(user: User): Promise<string> {
  const bytes = new TextEncoder().encode(user.passwordHash ?? "");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Makes a one-time link with which a user of the caller's workspace sets a new password
 * (admins only, audited). No mail is sent: the admin hands the link over.
 * @param scope an admin's scope
 * @param userId the user whose password is reset
 * @param options signing keys, the public URL, the clock and the admin's address
 */
export async function createResetLink(
  scope: TenantScope,
  userId: string,
  options: { keys: SessionKeys; publicUrl: string; now: () => number; ip?: string | null },
): Promise<{ url: string; expiresAt: Date }> {
  if (scope.role !== "admin") throw forbidden("Admin role required");
  const user = await findUser(scope, userId);
  if (!user) throw notFound("User");
  if (!user.isActive) throw new AppError("conflict", "Cannot reset the password of a deactivated user");
  const issuedAt = Math.floor(options.now() / 1000);
  const token = await new SignJWT({ tid: user.tenantId, pwv: await passwordVersion(user) })
    .setProtectedHeader({ alg: "HS256", kid: options.keys.current.kid })
    .setSubject(user.id)
    .setAudience(RESET_AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + RESET_TTL_SECONDS)
    .sign(options.keys.current.secret);
  await audit(scope.db, scope, {
    actorId: scope.userId,
    action: "user.password_reset_link",
    targetType: "user",
    targetId: user.id,
    ip: options.ip,
  });
  return { url: `${options.publicUrl}/reset/${token}`, expiresAt: new Date((issuedAt + RESET_TTL_SECONDS) * 1000) };
}

/**
 * The user and workspace a reset link is for, or null when it is invalid, expired, already
 * used or the account was deactivated.
 * @param deps the database, signing keys and clock
 * @param token the token from the link
 */
export async function openReset(
  deps: Pick<AccountDeps, "database" | "keys"> & { now: () => number },
  token: string,
): Promise<{ user: User; tenant: Tenant } | null> {
  let claims: { sub?: unknown; tid?: unknown; pwv?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, keyFor(deps.keys), {
      issuer: ISSUER,
      audience: RESET_AUDIENCE,
      algorithms: ["HS256"],
      currentDate: new Date(deps.now()),
    }));
  } catch {
    return null;
  }
  if (typeof claims.sub !== "string" || typeof claims.tid !== "string") return null;
  const scope = { tenantId: claims.tid as TenantId, db: deps.database.db };
  const user = await findUser(scope, claims.sub);
  if (!user || !user.isActive || claims.pwv !== await passwordVersion(user)) return null;
  return { user, tenant: await getTenant(scope) };
}

/**
 * Sets a new password from a reset link, ends the user's other sessions (and their open
 * streams, on every instance) and signs them in. The link works once: the new password
 * changes the fingerprint it carries.
 */
export async function completeReset(
  deps: AccountDeps & { now: () => number; bus: Bus },
  input: { token: string; password: string } & ClientInfo,
): Promise<SignedIn> {
  const opened = await openReset(deps, input.token);
  if (!opened) throw new AppError("not_found", INVALID);
  const db = deps.database.db;
  const scope = { tenantId: opened.user.tenantId as TenantId, db };
  const passwordHash = await hashPassword(input.password);
  const updated = await db.transaction(async (tx) => {
    // two tabs posting the same link at once: only the first one's fingerprint still matches
    const current = await findUser(scope, opened.user.id, tx);
    if (!current || !current.isActive || current.passwordHash !== opened.user.passwordHash) {
      throw new AppError("not_found", INVALID);
    }
    const updated = (await updateUser(scope, current.id, { passwordHash }, tx))!;
    await revokeUserSessions(scope, current.id, tx);
    await audit(tx, scope, {
      actorId: current.id,
      action: "user.password_reset",
      targetType: "user",
      targetId: current.id,
      ip: input.ip,
    });
    return updated;
  });
  await deps.bus.publish({ kind: "revoked", tenantId: scope.tenantId, userId: updated.id });
  const token = await openSession(db, deps.keys, updated, input);
  return { token, user: updated, tenant: opened.tenant };
}
