import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { verifySession } from "../chat/accounts/auth.ts";
import { findSessionUser } from "../db/sessions.ts";
import { scopeFor, type TenantId } from "../chat/tenancy.ts";
import { AppError, forbidden } from "../chat/errors.ts";
import type { AppEnv } from "../server/env.ts";

export const SESSION_COOKIE = "parley_session";
const STREAM_PATHS = new Set(["/api/chat/events", "/ui/events"]);

/** The session token from `Authorization: Bearer` or, for browsers, the session cookie. */
export function sessionToken(
  c: { req: { header(name: string): string | undefined } },
  cookie: string | undefined,
) {
  const auth = c.req.header("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) {
    return { token: auth.slice(7).trim(), viaCookie: false };
  }
  return cookie ? { token: cookie, viaCookie: true } : null;
}

/**
 * Authenticates the caller and sets `user`, `scope` and `sessionId`. The session row and
 * the user's active flag are checked on every request, so logout and deactivation bite at once.
 */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.var.deps;
  const found = sessionToken(c, getCookie(c, SESSION_COOKIE));
  const claims = found ? await verifySession(deps.keys, found.token) : null;
  const tenantScope = claims ? { tenantId: claims.tenantId as TenantId, db: deps.database.db } : null;
  const user = claims && tenantScope ? await findSessionUser(tenantScope, claims.sessionId, claims.userId) : undefined;
  if (!claims || !user) {
    throw new AppError("unauthenticated", "Authentication required");
  }
  // API activity keeps a user online for a while, even without an open stream. Opening a
  // stream is not activity: the stream itself counts while open, and closing it must lead
  // to "offline" after the grace period, not two minutes later.
  if (!STREAM_PATHS.has(c.req.path.replace(/\/$/, ""))) deps.presence.touch?.(user.tenantId, user.id);
  c.set("user", user);
  c.set("sessionId", claims.sessionId);
  c.set(
    "scope",
    scopeFor({ db: deps.database.db, bus: deps.bus }, {
      tenantId: user.tenantId,
      userId: user.id,
      role: user.role,
    }),
  );
  await next();
});

/** Only tenant admins pass. Use after `requireUser`. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.user.role !== "admin") throw forbidden("Admin role required");
  await next();
});
