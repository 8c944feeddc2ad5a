import { findUserByExternalId, updateSsoUser, useSsoTokenId } from "../../db/sso.ts";
import { findUserByEmail, findUserByUsername } from "../../db/users.ts";
import { audit } from "../../db/audit.ts";
import type { User } from "../../db/schema/mod.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import {
  type AccountDeps,
  type ClientInfo,
  createUser,
  openSession,
  type SignedIn,
  usernameFrom,
} from "../accounts/accounts.ts";
import { openContextRoom } from "../context/rooms.ts";
import { joinConversation } from "../conversations/membership.ts";
import { findContextConversation } from "../../db/conversations.ts";
import { findMembership } from "../../db/participants.ts";
import type { ChatDeps } from "../deps.ts";
import { scopeFor, type TenantOnlyScope, type TenantScope } from "../tenancy.ts";
import type { Bus } from "../bus.ts";
import { AppError } from "../errors.ts";
import { type SsoClaims, verifySsoToken } from "./tokens.ts";

/** What SSO sign-in needs from the running app. */
export type SsoDeps = AccountDeps & ChatDeps & { bus: Bus };

/**
 * The one answer to every failed SSO sign-in: it never tells a host (or whoever holds a
 * token) which check failed. The reason goes to the workspace's audit log.
 */
function refused() {
  return new AppError("unauthenticated", "Single sign-on failed");
}

class Refusal extends Error {}

/**
 * Signs in the user a host vouches for with a signed token (see `verifySsoToken`). The token
 * works once (its `jti` is recorded until it expires). The user is found by `external_id =
 * sub` only, never by email, and created on first sign-in; name, email and role follow the
 * token. A deactivated user, an `admin` role the workspace does not allow, or an email that
 * already belongs to another account are refused. Context rooms named in `rooms` are opened
 * and joined.
 */
export async function ssoSignIn(deps: SsoDeps, input: { token: string } & ClientInfo): Promise<SignedIn> {
  const now = deps.now();
  const verified = await verifySsoToken(deps.database.db, input.token, now);
  if (!verified) throw refused();
  const { tenant, scope, claims } = verified;
  const fail = async (reason: string, userId?: string) => {
    await audit(deps.database.db, scope, {
      actorId: userId ?? null,
      action: "login.sso_failed",
      targetType: "user",
      targetId: userId,
      data: { reason, sub: claims.sub },
      ip: input.ip,
    });
    return refused();
  };
  if (claims.role === "admin" && !verified.allowAdmin) throw await fail("admin role not allowed");
  const used = await useSsoTokenId(deps.database.db, scope, {
    jti: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
    now: new Date(now),
  });
  if (!used) throw await fail("token already used");
  let user: User;
  try {
    user = await upsertUser(scope, claims, now);
  } catch (e) {
    if (e instanceof Refusal) throw await fail(e.message);
    throw e;
  }
  const userScope = scopeFor({ db: deps.database.db, bus: deps.bus }, {
    tenantId: tenant.id,
    userId: user.id,
    role: user.role,
  });
  for (const room of claims.rooms ?? []) {
    try {
      await grantRoom(userScope, room, deps);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      throw await fail(`room ${room.type}#${room.id}: ${e.message}`, user.id);
    }
  }
  const token = await openSession(deps.database.db, deps.keys, user, input);
  await audit(deps.database.db, scope, {
    actorId: user.id,
    action: "login.sso",
    targetType: "user",
    targetId: user.id,
    data: { sub: claims.sub, ...claims.rooms?.length ? { rooms: claims.rooms.length } : {} },
    ip: input.ip,
  });
  return { token, user, tenant };
}

/**
 * Puts the user in a context room the host granted. Members and admins open it as
 * `GET /api/chat/context` does (created on first use). A guest, who may not create
 * conversations, is added to an existing one on the host's word; one that does not exist yet
 * is left for a member to open.
 */
async function grantRoom(scope: TenantScope, room: NonNullable<SsoClaims["rooms"]>[number], deps: ChatDeps) {
  if (scope.role !== "guest") {
    await openContextRoom(scope, { type: room.type, id: room.id }, { title: room.title }, deps);
    return;
  }
  const existing = await findContextConversation(scope, room);
  if (existing && !await findMembership(scope, existing.id, scope.userId)) {
    await joinConversation(scope, existing.id, deps);
  }
}

/** Creates or updates the host's user; a `Refusal` says why it may not sign in. */
async function upsertUser(scope: TenantOnlyScope, claims: SsoClaims, now: number): Promise<User> {
  const email = claims.email?.toLowerCase();
  const existing = await findUserByExternalId(scope, claims.sub);
  try {
    if (existing) {
      if (!existing.isActive) throw new Refusal("user is deactivated");
      const changes = {
        ...claims.name && claims.name !== existing.name ? { name: claims.name } : {},
        ...email && email !== existing.email ? { email } : {},
        ...claims.role && claims.role !== existing.role ? { role: claims.role } : {},
      };
      if (Object.keys(changes).length === 0) return existing;
      if (changes.email && await findUserByEmail(scope, changes.email)) {
        throw new Refusal("email belongs to another user");
      }
      return (await updateSsoUser(scope.db, scope, existing.id, { ...changes, updatedAt: new Date(now) }))!;
    }
    // never matched by email: taking over a password account needs more than the host's word
    if (email && await findUserByEmail(scope, email)) throw new Refusal("email belongs to another user");
    const address = email ?? `${claims.sub.toLowerCase()}@sso.invalid`;
    return await createUser(scope.db, scope, {
      name: claims.name ?? claims.sub,
      email: email ?? `sso-${crypto.randomUUID()}@sso.invalid`,
      username: await freeUsername(scope, usernameFrom(address)),
      role: claims.role ?? "member",
      externalId: claims.sub,
    });
  } catch (e) {
    // a concurrent first sign-in of the same user, or an email or username taken meanwhile
    if (isUniqueViolation(e)) throw new Refusal("conflicting account");
    throw e;
  }
}

async function freeUsername(scope: TenantOnlyScope, base: string): Promise<string> {
  let candidate = base;
  for (let n = 2; await findUserByUsername(scope, candidate); n++) {
    candidate = n < 100 ? `${base.slice(0, 29)}${n}` : `${base.slice(0, 24)}${crypto.randomUUID().slice(0, 8)}`;
  }
  return candidate;
}
