import type { Db, DbOrTx } from "../../db/client.ts";
import { type Tenant, tenants, type User, type UserRole, users } from "../../db/schema/mod.ts";
import { insertSession, revokeSession } from "../../db/sessions.ts";
import { findTenantBySlug } from "../../db/tenants.ts";
import { findUserByEmail } from "../../db/users.ts";
import { audit } from "../../db/audit.ts";
import { uuidv7 } from "../../db/ids.ts";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./passwords.ts";
import { SESSION_TTL_SECONDS, type SessionKeys, signSession } from "./auth.ts";
import type { TenantId, TenantOnlyScope, TenantScope } from "../tenancy.ts";
import type { Config } from "../../server/config.ts";
import type { RateLimiter } from "../../server/rate_limit.ts";
import { AppError, conflict, forbidden } from "../errors.ts";
import { freeSlug, slugify } from "./slugs.ts";
import { isUniqueViolation } from "../../db/errors.ts";

/**
 * Derives a username from an email's local part: lowercase letters, digits, dot, dash and
 * underscore, 2 to 32 of them (a shorter part is lengthened, an empty one becomes "user").
 */
export function usernameFrom(email: string): string {
  const base = email.split("@")[0].toLowerCase().replace(/[^a-z0-9._-]/g, "").slice(0, 32);
  // "all" is reserved: @all mentions everyone in a conversation
  return base.length >= 2 && base !== "all" ? base : base ? `${base}_user` : "user";
}

export interface NewAccount {
  name: string;
  email: string;
  username?: string;
  role: UserRole;
  password?: string | null;
  /** Already hashed password (hash outside a transaction: hashing is slow). */
  passwordHash?: string | null;
  locale?: string | null;
  externalId?: string | null;
}

/**
 * Creates a user in the scope's tenant (email lowercased; username derived when absent).
 * @param db the database or an open transaction
 */
export async function createUser(
  db: DbOrTx,
  scope: TenantOnlyScope,
  account: NewAccount,
): Promise<User> {
  const now = new Date();
  const [user] = await db.insert(users).values({
    id: uuidv7(),
    tenantId: scope.tenantId,
    email: account.email.toLowerCase(),
    username: account.username ?? usernameFrom(account.email),
    name: account.name,
    role: account.role,
    locale: account.locale ?? null,
    passwordHash: account.passwordHash ??
      (account.password ? await hashPassword(account.password) : null),
    externalId: account.externalId ?? null,
    createdAt: now,
    updatedAt: now,
  }).returning();
  return user;
}

/** Creates a workspace and its first admin in one transaction. */
export async function createWorkspace(
  db: Db,
  input: { name: string; slug: string; admin: Omit<NewAccount, "role"> },
) {
  const passwordHash = input.admin.password ? await hashPassword(input.admin.password) : null;
  return await db.transaction(async (tx) => {
    const tenantId = uuidv7() as TenantId;
    const [tenant] = await tx.insert(tenants).values({
      id: tenantId,
      slug: input.slug,
      name: input.name,
      settings: {},
      createdAt: new Date(),
    }).returning();
    const scope = { tenantId, db };
    const user = await createUser(tx, scope, {
      ...input.admin,
      password: null,
      passwordHash,
      role: "admin",
    });
    await audit(tx, scope, {
      actorId: user.id,
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenantId,
    });
    return { tenant, user };
  });
}

/** Opens a session for a user and returns its signed token. */
export async function openSession(
  db: Db,
  keys: SessionKeys,
  user: User,
  meta: { userAgent?: string | null; ip?: string | null } = {},
): Promise<string> {
  const sessionId = uuidv7();
  await insertSession(db, { tenantId: user.tenantId as TenantId, db }, {
    id: sessionId,
    userId: user.id,
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
    ...meta,
  });
  return await signSession(keys, {
    sessionId,
    userId: user.id,
    tenantId: user.tenantId,
    role: user.role,
  });
}

/** What signing in and signing up need from the running app. */
export interface AccountDeps {
  database: { db: Db };
  keys: SessionKeys;
  limiter: RateLimiter;
  config: Pick<Config, "allowSignup" | "signupLimitPerHour" | "rateLimits">;
}

/** Where a request comes from, for rate limits, the audit log and the session row. */
export interface ClientInfo {
  ip: string;
  userAgent?: string | null;
}

/** A signed-in user: the session token, its user and workspace. */
export interface SignedIn {
  token: string;
  user: User;
  tenant: Tenant;
}

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const SIGNUP_WINDOW_MS = 60 * 60 * 1000;

/** The one answer to every failed login, so it never tells whether a workspace or email exists. */
function invalidCredentials() {
  return new AppError("unauthenticated", "Invalid workspace, email or password");
}

/**
 * Signs a user in to a workspace with email and password. Attempts are limited per client
 * IP and email; an unknown workspace, unknown email, inactive user or wrong password all
 * fail the same way and cost the same time.
 */
export async function login(
  deps: AccountDeps,
  input: { workspace: string; email: string; password: string } & ClientInfo,
): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  const limitKey = `login:${input.ip}:${email}`;
  deps.limiter.hit(limitKey, deps.config.rateLimits.loginsPer15Min, LOGIN_WINDOW_MS);
  const db = deps.database.db;
  const tenant = await findTenantBySlug(db, input.workspace.trim().toLowerCase());
  const scope = tenant ? { tenantId: tenant.id as TenantId, db } : null;
  const user = scope ? await findUserByEmail(scope, email) : undefined;
  const ok = user?.isActive && user.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstNothing(input.password);
  if (!ok || !tenant || !user || !scope) {
    // a workspace's admins see failed attempts on it, also for addresses it does not know
    if (scope) {
      await audit(db, scope, {
        actorId: user?.id ?? null,
        action: "login.failed",
        targetType: "user",
        targetId: user?.id,
        data: user ? {} : { email },
        ip: input.ip,
      });
    }
    throw invalidCredentials();
  }
  deps.limiter.reset(limitKey);
  const token = await openSession(db, deps.keys, user, input);
  await audit(db, scope, { actorId: user.id, action: "login", targetType: "user", targetId: user.id, ip: input.ip });
  return { token, user, tenant };
}

/**
 * Self-service signup: creates a workspace with its first admin and signs them in.
 * Limited per client IP; off when ALLOW_SIGNUP=false.
 */
export async function signup(
  deps: AccountDeps,
  input: { workspaceName: string; workspaceSlug?: string; name: string; email: string; password: string } & ClientInfo,
): Promise<SignedIn> {
  if (!deps.config.allowSignup) throw forbidden("Signup is disabled on this server");
  deps.limiter.hit(`signup:${input.ip}`, deps.config.signupLimitPerHour, SIGNUP_WINDOW_MS);
  const db = deps.database.db;
  if (input.workspaceSlug && await findTenantBySlug(db, input.workspaceSlug)) {
    throw conflict(`Workspace "${input.workspaceSlug}" already exists`);
  }
  const slug = input.workspaceSlug ?? await freeSlug(slugify(input.workspaceName), (s) => findTenantBySlug(db, s));
  try {
    const { tenant, user } = await createWorkspace(db, {
      name: input.workspaceName,
      slug,
      admin: { name: input.name, email: input.email, password: input.password },
    });
    const token = await openSession(db, deps.keys, user, input);
    return { token, user, tenant };
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`Workspace "${slug}" already exists`);
    throw e;
  }
}

/**
 * Revokes the caller's session (logout) and ends the streams opened under it, on every
 * instance; the user's other sessions keep theirs.
 * @param scope the caller
 * @param sessionId the session to end
 * @param meta the client's address, for the audit log
 */
export async function logout(scope: TenantScope, sessionId: string, meta: { ip?: string | null } = {}): Promise<void> {
  await scope.db.transaction(async (tx) => {
    await revokeSession(scope, sessionId, tx);
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "logout",
      targetType: "user",
      targetId: scope.userId,
      ...meta,
    });
  });
  await scope.bus.publish({ kind: "revoked", tenantId: scope.tenantId, userId: scope.userId, sessionId });
}
