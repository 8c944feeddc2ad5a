import type { Tx } from "../../db/client.ts";
import type { User } from "../../db/schema/mod.ts";
import { insertMessage } from "../../db/messages.ts";
import { touchLastMessage } from "../../db/conversations.ts";
import { listMembers, upsertMembers } from "../../db/participants.ts";
import { findUserByEmail } from "../../db/users.ts";
import { createUser } from "../accounts/accounts.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { RecordEvent } from "../changes.ts";
import type { TenantScope } from "../tenancy.ts";
import { messageObjects } from "../messages/object.ts";

const SUPPORT_BOT_EMAIL = "support-bot@bots.parley.invalid";

/**
 * The workspace's support bot user, created on first use. Its address is on a reserved
 * domain (RFC 2606 `.invalid`), so no person can sign up or be invited with it; it has no
 * password and the guest role, so nothing can sign in as it or reach beyond its chats.
 * @param scope the workspace
 * @param name the bot's display name from the settings
 */
export async function supportBotUser(scope: TenantScope, name: string, tx: Tx): Promise<User> {
  const found = await findUserByEmail(scope, SUPPORT_BOT_EMAIL, tx);
  if (found) return found;
  return await createUser(tx, scope, {
    name,
    email: SUPPORT_BOT_EMAIL,
    username: `support-bot-${scope.tenantId.slice(-6)}`,
    role: "guest",
  });
}

/**
 * Posts a bot's message inside an open change and records its event; the bot joins the
 * conversation first if it is not in it.
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
    metadata: { status: "complete" },
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
