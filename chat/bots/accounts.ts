import type { User } from "../../db/schema/mod.ts";
import { findConversation } from "../../db/conversations.ts";
import { findMembership, upsertMembers } from "../../db/participants.ts";
import { commitChange } from "../changes.ts";
import { findUserByUsername, insertBotUser, updateUser } from "../../db/users.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { conflict } from "../errors.ts";
import { scopeFor, type TenantScope } from "../tenancy.ts";

/**
 * The workspace's bot account with this username, created on first use. A person who
 * already holds the username keeps it: the bot is refused rather than taking over their
 * account. A renamed bot (`name` changed in the settings) is renamed here.
 * @param bot username (lowercase) and display name
 */
export async function ensureBotUser(
  scope: TenantScope,
  bot: { username: string; name: string },
  now: () => number = Date.now,
): Promise<User> {
  const username = bot.username.toLowerCase();
  let user = await findUserByUsername(scope, username);
  if (!user) {
    try {
      user = await insertBotUser(scope, { username, name: bot.name, at: new Date(now()) });
    } catch (e) {
      // two first uses at once: the other one created it
      if (!isUniqueViolation(e)) throw e;
      user = await findUserByUsername(scope, username);
      if (!user) throw e;
    }
  }
  if (!user.isBot) throw conflict(`Cannot use bot "${username}": a person has this username`);
  if (user.name !== bot.name) {
    await updateUser(scope, user.id, { name: bot.name });
    user = { ...user, name: bot.name };
  }
  return user;
}

/** The scope a bot acts in: the caller's workspace, as the bot. */
export function botScope(scope: TenantScope, bot: Pick<User, "id" | "isBot">): TenantScope {
  if (!bot.isBot) throw new Error("Cannot act as a bot: the user is a person");
  return scopeFor(scope, { tenantId: scope.tenantId, userId: bot.id, role: "member" });
}

/**
 * Adds a bot to a conversation it is not in yet (`participant_added`), so it can answer
 * there. Callers decide whether it may join.
 * @param scope the scope of whoever brings it in
 */
export async function ensureBotMember(
  scope: TenantScope,
  conversationId: string,
  bot: Pick<User, "id" | "isBot">,
  now: () => number = Date.now,
): Promise<void> {
  if (!bot.isBot) throw new Error("Cannot add a person as a bot");
  if (await findMembership(scope, conversationId, bot.id)) return;
  await commitChange(scope, async (tx, record) => {
    const conversation = await findConversation(scope, conversationId, tx);
    await upsertMembers(scope, conversationId, [{ userId: bot.id, role: "member" }], {
      now: new Date(now()),
      lastMessageId: conversation?.lastMessageId ?? null,
    }, tx);
    await record({
      type: "participant_added",
      conversationId,
      data: { conversation_id: conversationId, user_id: bot.id },
    });
  });
}
