import { z } from "zod";
import type { User } from "../../db/schema/mod.ts";
import { findBotAccount, insertBotAccount, listBotAccounts, revokeBotAccount } from "../../db/bot_accounts.ts";
import { findUser, findUserByUsername, insertBotUser } from "../../db/users.ts";
import { audit } from "../../db/audit.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { isUuid } from "../../db/ids.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantId, TenantScope } from "../tenancy.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import { displayText, text } from "../text.ts";
import { usernameSchema } from "../accounts/schemas.ts";
import { checkOutboundUrl, OutboundAddressError } from "../outbound/address.ts";
import { forgetWebhookBots } from "./bot_webhooks.ts";

/** Body of `POST /api/admin/bots`. */
export const newBotSchema = z.strictObject({
  name: displayText().max(80),
  username: usernameSchema,
  webhook_url: text().trim().url().max(2000).nullish(),
});

/** A bot account as admins see it; its token and secret are never shown again. */
export interface BotAccountObject {
  id: string;
  username: string;
  name: string;
  webhook_url: string | null;
  created_at: string;
  revoked_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

const TOKEN_PREFIX = "pbt_";

/**
 * Creates a bot account: a bot user, its API token and, with a webhook URL, the webhook
 * secret. Both are answered this once: only the token's SHA-256 is kept.
 * @param scope an admin's scope
 */
export async function createBotAccount(
  scope: TenantScope,
  input: z.infer<typeof newBotSchema>,
  deps: Pick<ChatDeps, "config" | "now">,
): Promise<{ id: string; username: string; name: string; token: string; webhook_secret?: string }> {
  requireAdmin(scope);
  if (input.webhook_url) {
    try {
      checkOutboundUrl(input.webhook_url, deps.config.webhooksAllowPrivate);
    } catch (e) {
      if (e instanceof OutboundAddressError) throw badRequest(`Cannot use webhook_url: ${e.message}`);
      throw e;
    }
  }
  if (await findUserByUsername(scope, input.username)) throw conflict(`Username "${input.username}" is taken`);
  const at = new Date(deps.now());
  const secret = input.webhook_url ? randomSecret() : null;
  let user: User;
  let token: string;
  try {
    ({ user, token } = await scope.db.transaction(async (tx) => {
      const user = await insertBotUser(scope, { username: input.username, name: input.name, at }, tx);
      const token = `${TOKEN_PREFIX}${scope.tenantId}.${user.id}.${randomSecret()}`;
      await insertBotAccount(scope, {
        userId: user.id,
        tokenHash: await sha256(token),
        webhookUrl: input.webhook_url ?? null,
        webhookSecret: secret,
        createdBy: scope.userId,
        createdAt: at,
      }, tx);
      await audit(tx, scope, {
        actorId: scope.userId,
        action: "bot.created",
        targetType: "user",
        targetId: user.id,
        data: { username: user.username, webhook_url: input.webhook_url ?? null },
      });
      return { user, token };
    }));
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`Username "${input.username}" is taken`);
    throw e;
  }
  forgetWebhookBots(scope);
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    token,
    ...(secret ? { webhook_secret: secret } : {}),
  };
}

/** The workspace's bot accounts, with each one's last webhook failure. */
export async function listBots(scope: TenantScope): Promise<BotAccountObject[]> {
  requireAdmin(scope);
  return (await listBotAccounts(scope)).map(({ account, user }) => ({
    id: user.id,
    username: user.username,
    name: user.name,
    webhook_url: account.webhookUrl,
    created_at: account.createdAt.toISOString(),
    revoked_at: account.revokedAt?.toISOString() ?? null,
    last_error: account.lastError,
    last_error_at: account.lastErrorAt?.toISOString() ?? null,
  }));
}

/** Revokes a bot account: its token stops working at once and its webhook is no longer called. */
export async function revokeBot(scope: TenantScope, botId: string, deps: Pick<ChatDeps, "now">) {
  requireAdmin(scope);
  if (!isUuid(botId) || !await revokeBotAccount(scope, botId, new Date(deps.now()))) throw notFound("Bot");
  forgetWebhookBots(scope);
  await audit(scope.db, scope, { actorId: scope.userId, action: "bot.revoked", targetType: "user", targetId: botId });
  return { status: "revoked" as const };
}

/** True when a bearer credential has the shape of a bot token (not a session JWT). */
export function isBotToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX);
}

/**
 * The bot user a bot token stands for, or undefined when it is malformed, unknown, revoked
 * or its user is inactive. The token names its workspace and bot, so the lookup is scoped
 * like a session's; the secret part is checked by its hash.
 * @param db the database
 * @param token the bearer token
 */
export async function verifyBotToken(db: TenantScope["db"], token: string): Promise<User | undefined> {
  const [tenantId, userId, secret] = token.slice(TOKEN_PREFIX.length).split(".");
  if (!isUuid(tenantId ?? "") || !isUuid(userId ?? "") || !secret) return undefined;
  const scope = { tenantId: tenantId as TenantId, db };
  const account = await findBotAccount(scope, userId);
  if (!account || account.revokedAt || !equalText(account.tokenHash, await sha256(token))) return undefined;
  const user = await findUser(scope, userId);
  return user?.isActive && user.isBot ? user : undefined;
}

function requireAdmin(scope: TenantScope) {
  if (scope.role !== "admin") throw forbidden("Admin role required");
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two hex digests in time independent of where they differ. */
function equalText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
