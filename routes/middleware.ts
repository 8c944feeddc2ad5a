import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { verifySession } from "../chat/accounts/auth.ts";
import { findSessionUser } from "../db/sessions.ts";
import { scopeFor, type TenantId } from "../chat/tenancy.ts";
import { AppError, forbidden } from "../chat/errors.ts";
import { isBotToken, verifyBotToken } from "../chat/integrations/bot_accounts.ts";
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
  if (found && !found.viaCookie && isBotToken(found.token)) return await asBot(c, found.token, next);
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

/**
 * Authenticates a bot account's token. A bot uses the chat API only where it was added: it
 * acts with a guest's reach (the conversations it is in), opens no conversation and holds
 * no stream; anything else answers 403.
 */
async function asBot(c: Context<AppEnv>, token: string, next: Next) {
  const bot = await verifyBotToken(c.var.deps.database.db, token);
  if (!bot) throw new AppError("unauthenticated", "Authentication required");
  const path = c.req.path.replace(/\/$/, "");
  const opens = c.req.method === "POST" && /^\/api\/chat\/conversations(\/start)?$/.test(path);
  if (!path.startsWith("/api/chat/") || STREAM_PATHS.has(path) || path.startsWith("/api/chat/events") || opens) {
    throw forbidden("Bot accounts use the chat API of the conversations they were added to");
  }
  const deps = c.var.deps;
  c.set("user", { ...bot, role: "guest" });
  c.set("sessionId", `bot:${bot.id}`);
  c.set(
    "scope",
    scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: bot.tenantId, userId: bot.id, role: "guest" }),
  );
  await next();
}

/** Only tenant admins pass. Use after `requireUser`. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.user.role !== "admin") throw forbidden("Admin role required");
  await next();
});
