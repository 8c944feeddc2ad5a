import { errors, jwtVerify, SignJWT } from "jose";
import type { UserRole } from "../../db/schema/mod.ts";
import type { SessionKeys } from "./session_keys.ts";

/** Claims a Parley session token carries. */
export interface SessionClaims {
  sessionId: string;
  userId: string;
  tenantId: string;
  role: UserRole;
}

export const SESSION_TTL_SECONDS = 60 * 60 * 24 * 14;
const ISSUER = "parley";

export { type SessionKeys, sessionKeysFrom } from "./session_keys.ts";

/** Signs a session JWT (HS256, exp, kid). */
export function signSession(
  keys: SessionKeys,
  claims: SessionClaims,
  ttlSeconds = SESSION_TTL_SECONDS,
) {
  return new SignJWT({ tid: claims.tenantId, role: claims.role })
    .setProtectedHeader({ alg: "HS256", kid: keys.current.kid })
    .setSubject(claims.userId)
    .setJti(claims.sessionId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keys.current.secret);
}

/** Picks the verification key a token names by its kid (current or a previous one). */
export function keyFor(keys: SessionKeys) {
  return (header: { kid?: string }) => {
    const key = [keys.current, ...(keys.previous ?? [])].find((k) => k.kid === header.kid);
    if (!key) throw new errors.JWSSignatureVerificationFailed();
    return key.secret;
  };
}

/**
 * Tokens already verified with these keys, until they expire. Every request of a client
 * carries the same token; the signature check then runs once, not per request. Revocation
 * is unaffected: the session row is still checked on every request.
 */
const verified = new WeakMap<SessionKeys, Map<string, { claims: SessionClaims; expiresAt: number }>>();
const VERIFIED_MAX = 10_000;

/** Verifies a session JWT; returns null for anything invalid or expired. */
export async function verifySession(
  keys: SessionKeys,
  token: string,
): Promise<SessionClaims | null> {
  let cache = verified.get(keys);
  if (!cache) verified.set(keys, cache = new Map());
  const hit = cache.get(token);
  if (hit) {
    if (hit.expiresAt > Date.now()) return hit.claims;
    cache.delete(token);
  }
  const claims = await verifySignedSession(keys, token);
  if (claims) {
    // the oldest entry goes first (a Map iterates in insertion order)
    if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value!);
    cache.set(token, claims);
  }
  return claims?.claims ?? null;
}

async function verifySignedSession(
  keys: SessionKeys,
  token: string,
): Promise<{ claims: SessionClaims; expiresAt: number } | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(keys), { issuer: ISSUER, algorithms: ["HS256"] });
    // tokens for other purposes (invites) carry an audience and never open a session
    if (
      payload.aud !== undefined || typeof payload.sub !== "string" ||
      typeof payload.jti !== "string" || typeof payload.tid !== "string"
    ) {
      return null;
    }
    return {
      claims: { sessionId: payload.jti, userId: payload.sub, tenantId: payload.tid, role: payload.role as UserRole },
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  } catch {
    return null;
  }
}

const INVITE_AUDIENCE = "parley:invite";
export const INVITE_TTL_SECONDS = 60 * 60 * 24 * 7;

/** Signs an invite token: it lets one user of one tenant set a first password. */
export function signInvite(
  keys: SessionKeys,
  invite: { userId: string; tenantId: string },
  ttlSeconds = INVITE_TTL_SECONDS,
): Promise<string> {
  return new SignJWT({ tid: invite.tenantId })
    .setProtectedHeader({ alg: "HS256", kid: keys.current.kid })
    .setSubject(invite.userId)
    .setAudience(INVITE_AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keys.current.secret);
}

/** Verifies an invite token; null for anything invalid, expired or meant for another purpose. */
export async function verifyInvite(
  keys: SessionKeys,
  token: string,
): Promise<{ userId: string; tenantId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(keys), {
      issuer: ISSUER,
      audience: INVITE_AUDIENCE,
      algorithms: ["HS256"],
    });
    if (typeof payload.sub !== "string" || typeof payload.tid !== "string") return null;
    return { userId: payload.sub, tenantId: payload.tid };
  } catch {
    return null;
  }
}
