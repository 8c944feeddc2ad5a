import { hasWebhookBots, setBotError, webhookBotsIn } from "../../db/bot_accounts.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { ChatDeps } from "../deps.ts";
import type { MessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { postJson } from "../outbound/post.ts";
import { parleySignature } from "../outbound/signing.ts";
import { botScope } from "../bots/accounts.ts";
import { postBotMessage } from "../bots/messages.ts";
import { MAX_CONTENT_LENGTH } from "../messages/messages.ts";

/** How long a bot's webhook has to answer. */
export const BOT_WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Calls the webhook of every bot account in the conversation that the message is for: one
 * it mentions, or any in a direct chat. A bot never hears its own messages. The bot's
 * answer (`text/plain`, or JSON `{"content": "…"}`) is posted as its reply; a failure is
 * kept on the bot account for its admins and logged without the secret or the answer.
 * @param message the sent message
 */
export async function callBotWebhooks(
  scope: TenantScope,
  message: MessageObject,
  deps: Pick<ChatDeps, "config" | "now">,
): Promise<void> {
  if (!await tenantHasWebhookBots(scope)) return;
  const bots = await webhookBotsIn(scope, message.conversation);
  const mentioned = new Set((message.mentions ?? []).map((m) => m.user_id));
  const called = bots.filter(({ user, kind }) =>
    user.id !== message.sender_id && (kind === "direct" || mentioned.has(user.id))
  );
  await Promise.all(called.map(async ({ account, user }) => {
    try {
      const reply = await deliver(account.webhookUrl!, account.webhookSecret ?? "", message, {
        bot: { id: user.id, username: user.username },
        deps,
      });
      if (reply) await postBotMessage(botScope(scope, user), message.conversation, reply, { now: deps.now });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      console.warn(`Bot ${user.id} webhook failed: ${reason}`);
      await setBotError(scope, user.id, reason.slice(0, 500), new Date(deps.now()));
    }
  }));
}

/**
 * Whether the workspace has webhook bots, read at most every few seconds: every message
 * asks, and most workspaces have none. A bot created or revoked here is seen at once; on
 * another instance within WEBHOOK_BOTS_TTL_MS.
 */
const withBots = new WeakMap<object, Map<string, { has: boolean; at: number }>>();
const WEBHOOK_BOTS_TTL_MS = 5_000;

async function tenantHasWebhookBots(scope: TenantScope): Promise<boolean> {
  const cache = withBots.get(scope.db) ?? withBots.set(scope.db, new Map()).get(scope.db)!;
  const hit = cache.get(scope.tenantId);
  if (hit && Date.now() - hit.at < WEBHOOK_BOTS_TTL_MS) return hit.has;
  const has = await hasWebhookBots(scope);
  cache.set(scope.tenantId, { has, at: Date.now() });
  return has;
}

/** Drops what is known of the workspace's webhook bots, after one was created or revoked. */
export function forgetWebhookBots(scope: TenantScope): void {
  withBots.get(scope.db)?.delete(scope.tenantId);
}

async function deliver(
  url: string,
  secret: string,
  message: MessageObject,
  context: { bot: { id: string; username: string }; deps: Pick<ChatDeps, "config" | "now"> },
): Promise<string | null> {
  const eventId = uuidv7(context.deps.now());
  const body = JSON.stringify({ event: "message.created", event_id: eventId, bot: context.bot, message });
  const answer = await postJson(url, body, {
    headers: {
      "parley-event-id": eventId,
      "parley-signature": await parleySignature(secret, body, context.deps.now()),
    },
    timeoutMs: BOT_WEBHOOK_TIMEOUT_MS,
    allowPrivate: context.deps.config.webhooksAllowPrivate,
  });
  if (answer.status < 200 || answer.status >= 300) throw new Error(`Webhook answered HTTP ${answer.status}`);
  return replyText(answer);
}

/** The reply in a webhook's answer: a text/plain body, or the `content` of a JSON one; else none. */
function replyText(answer: { body: string; contentType: string }): string | null {
  const type = answer.contentType.split(";")[0].trim().toLowerCase();
  let text: unknown = null;
  if (type === "text/plain") text = answer.body;
  else if (type === "application/json" && answer.body.trim()) {
    try {
      text = (JSON.parse(answer.body) as { content?: unknown })?.content ?? null;
    } catch {
      throw new Error("Webhook answered malformed JSON");
    }
  }
  if (typeof text !== "string" || !text.trim()) return null;
  return text.slice(0, MAX_CONTENT_LENGTH);
}
