import type { Tenant, User, UserRole } from "../../db/schema/mod.ts";
import {
  countActiveAdmins,
  findUser,
  findUserByEmail,
  findUserByUsername,
  listUsers,
  updateUser,
} from "../../db/users.ts";
import { revokeUserSessions } from "../../db/sessions.ts";
import { audit } from "../../db/audit.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { createUser, usernameFrom } from "./accounts.ts";
import { hashPassword } from "./passwords.ts";
import { type SessionKeys, signInvite } from "./auth.ts";
import type { TenantObject, UserObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { isUniqueViolation } from "../../db/errors.ts";

/** The API's user object. Never carries the password hash or the external id. */
export function toUserObject(user: User): UserObject {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    role: user.role,
    locale: user.locale,
    is_active: user.isActive,
    last_seen_at: user.lastSeenAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
  };
}

/** The API's workspace object. */
export function toTenantObject(tenant: Tenant): TenantObject {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, created_at: tenant.createdAt.toISOString() };
}

function requireAdminScope(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}

/** Every user of the caller's workspace (admins only). */
export function listWorkspaceUsers(scope: TenantScope): Promise<User[]> {
  requireAdminScope(scope);
  return listUsers(scope);
}

export interface AddUserInput {
  name: string;
  email: string;
  username?: string;
  role: UserRole;
  password?: string;
}

/**
 * Adds a user to the caller's workspace. Without a password the answer carries a
 * one-time invite link: it works until the user has set a password.
 * @param scope an admin's scope
 * @param input the new account
 * @param options where invite links point and how they are signed
 */
export async function addUser(
  scope: TenantScope,
  input: AddUserInput,
  options: { keys: SessionKeys; publicUrl: string; ip?: string | null },
): Promise<{ user: User; inviteUrl: string | null }> {
  requireAdminScope(scope);
  if (await findUserByEmail(scope, input.email)) throw conflict("A user with this email already exists");
  const username = input.username ?? await freeUsername(scope, usernameFrom(input.email));
  if (input.username && await findUserByUsername(scope, input.username)) {
    throw conflict("A user with this username already exists");
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    const user = await scope.db.transaction(async (tx) => {
      const created = await createUser(tx, scope, { ...input, username, password: null, passwordHash });
      await audit(tx, scope, {
        actorId: scope.userId,
        action: "user.created",
        targetType: "user",
        targetId: created.id,
        data: { role: created.role, email: created.email },
        ip: options.ip,
      });
      return created;
    });
    const inviteUrl = passwordHash ? null : `${options.publicUrl}/invite/${await signInvite(options.keys, {
      userId: user.id,
      tenantId: user.tenantId,
    })}`;
    return { user, inviteUrl };
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("A user with this email or username already exists");
    throw e;
  }
}

async function freeUsername(scope: TenantScope, base: string): Promise<string> {
  let candidate = base;
  for (let n = 2; await findUserByUsername(scope, candidate); n++) {
    candidate = n < 100 ? `${base.slice(0, 29)}${n}` : `${base.slice(0, 24)}${crypto.randomUUID().slice(0, 8)}`;
  }
  return candidate;
}

/**
 * Changes a user's name, role or active flag. Deactivating revokes every open session;
 * deactivating or changing the role ends the user's open streams on every instance (they
 * carry what the user could see when they opened). The last active admin cannot be demoted
 * or deactivated, so a workspace never locks itself out.
 */
export async function changeUser(
  scope: TenantScope,
  userId: string,
  changes: { name?: string; username?: string; role?: UserRole; isActive?: boolean },
  meta: { ip?: string | null } = {},
): Promise<User> {
  requireAdminScope(scope);
  const { before, after } = await scope.db.transaction(async (tx) => {
    const before = await findUser(scope, userId, tx);
    if (!before) throw notFound("User");
    const losesAdmin = before.role === "admin" && before.isActive &&
      ((changes.role !== undefined && changes.role !== "admin") || changes.isActive === false);
    if (losesAdmin && await countActiveAdmins(scope, tx) <= 1) {
      throw conflict("Cannot demote or deactivate the last active admin");
    }
    const after = (await updateUser(scope, userId, changes, tx).catch(usernameTaken))!;
    if (changes.isActive === false) await revokeUserSessions(scope, userId, tx);
    for (const action of userChangeActions(before, after)) {
      await audit(tx, scope, {
        actorId: scope.userId,
        action,
        targetType: "user",
        targetId: userId,
        data: diff(before, after),
        ip: meta.ip,
      });
    }
    return { before, after };
  });
  if (changes.isActive === false || before.role !== after.role) {
    await scope.bus.publish({ kind: "revoked", tenantId: scope.tenantId, userId });
  }
  return after;
}

/** The audit actions a change makes: one per kind, so filtering by action finds each. */
function userChangeActions(before: User, after: User): string[] {
  const actions: string[] = [];
  if (before.isActive !== after.isActive) actions.push(after.isActive ? "user.reactivated" : "user.deactivated");
  if (before.role !== after.role) actions.push("user.role_changed");
  if (before.name !== after.name || actions.length === 0) actions.push("user.updated");
  return actions;
}

function diff(before: User, after: User) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ["name", "username", "role", "isActive"] as const) {
    if (before[key] !== after[key]) changed[key] = { from: before[key], to: after[key] };
  }
  return changed;
}

/**
 * Changes the caller's own profile (name, username, interface language). A username
 * another user of the workspace has is a 409.
 * @param scope the caller
 * @param changes undefined fields are left alone; a null locale means "negotiate"
 */
export async function updateOwnProfile(
  scope: TenantScope,
  changes: { name?: string; username?: string; locale?: string | null },
): Promise<User> {
  const user = await updateUser(scope, scope.userId, changes).catch(usernameTaken);
  if (!user) throw notFound("User");
  return user;
}

/** A username change refused by the unique index (usernames are unique per workspace) as a 409. */
function usernameTaken(e: unknown): never {
  if (isUniqueViolation(e)) throw conflict("This username is taken");
  throw e;
}
