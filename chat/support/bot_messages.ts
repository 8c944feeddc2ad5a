import type { Tx } from "../../db/client.ts";
import type { User } from "../../db/schema/mod.ts";
import { insertMessage } from "../../db/messages.ts";
import { touchLastMessage } from "../../db/conversations.ts";
import { listMembers, upsertMembers } from "../../db/participants.ts";
import { ensureBotUser } from "../bots/accounts.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { RecordEvent } from "../changes.ts";
import type { TenantScope } from "../tenancy.ts";
import { messageObjects } from "../messages/object.ts";

/** The username of every workspace's support bot (bot users hold their usernames like people). */
export const SUPPORT_BOT_USERNAME = "support-bot";

/**
 * The workspace's support bot user, created on first use (outside any transaction: it may
 * write). A person holding the username makes this a 409 rather than speak for them.
 * @param name the bot's display name from the settings
 */
export async function supportBotUser(scope: TenantScope, name: string, now: () => number): Promise<User> {
  return await ensureBotUser(scope, { username: SUPPORT_BOT_USERNAME, name }, now);
}

/**
 * Posts a bot's complete message inside an open change (so it commits with the state change
 * it belongs to) and records its event; the bot joins the conversation first if it is not in it.
 * @param bot the bot user
 * @param content the text
 */
export async function postBotText(
  scope: TenantScope,
  conversationId: string,
  message: { bot: User; content: string; at: Date },
  tx: Tx,
  record: RecordEvent,
): Promise<void> {
  const row = await insertMessage(scope, {
    id: uuidv7(message.at.getTime()),
    conversationId,
    senderId: message.bot.id,
    kind: "bot",
    content: message.content,
    botStatus: "complete",
    createdAt: message.at,
    updatedAt: message.at,
  }, tx);
  await touchLastMessage(scope, conversationId, row, tx);
  const members = await listMembers(scope, [conversationId], tx);
  if (!members.some((m) => m.user.id === message.bot.id)) {
    await upsertMembers(scope, conversationId, [{ userId: message.bot.id, role: "member" }], {
      now: message.at,
      lastMessageId: row.id,
    }, tx);
  }
  const [object] = await messageObjects(scope, [row], members, tx);
  await record({ type: "message_created", conversationId, data: { conversation_id: conversationId, message: object } });
}
