import { listMessagePage, type MessageRow } from "../../db/messages.ts";
import { findConversation } from "../../db/conversations.ts";
import { findLocalePreferences } from "../../db/users.ts";
import type { MessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { commitChange } from "../changes.ts";
import { postSystemMessage } from "../messages/system.ts";
import { DEFAULT_LOCALE, isLocale, translator } from "../../i18n/mod.ts";

/**
 * The conversation's last `limit` messages up to and including the question, oldest first:
 * people's messages and the bot's finished answers (not system messages, deleted ones,
 * answers still streaming or failed).
 */
export async function historyFor(
  scope: TenantScope,
  question: MessageObject,
  limit: number,
): Promise<Pick<MessageRow, "senderId" | "content">[]> {
  // a few more than asked for: some of the earlier ones may be left out
  const earlier = await listMessagePage(scope, question.conversation, { beforeId: question.id, limit: limit + 10 });
  const kept = earlier.filter((m) =>
    !m.deletedAt && m.kind !== "system" && m.content.trim() !== "" && (m.kind !== "bot" || m.botStatus === "complete")
  );
  return [...kept, { senderId: question.sender_id, content: question.content }].slice(-limit);
}

/**
 * Says in the conversation that the assistant is unavailable, in the asker's language (or
 * the workspace's): a system message, so it reads like the other notices.
 * @param scope the bot's scope
 */
export async function postUnavailable(scope: TenantScope, conversationId: string, askerId: string, now: () => number) {
  const prefs = await findLocalePreferences(scope, askerId);
  const workspace = (prefs?.settings as { default_locale?: unknown } | undefined)?.default_locale;
  const locale = isLocale(prefs?.locale) ? prefs.locale : isLocale(workspace) ? workspace : DEFAULT_LOCALE;
  const conversation = await findConversation(scope, conversationId);
  if (!conversation) return;
  const content = translator(locale)("assistant.unavailable");
  await commitChange(scope, async (tx, record) => {
    await postSystemMessage(
      scope,
      conversation,
      { action: "assistant_unavailable", content, at: new Date(now()) },
      tx,
      record,
    );
  });
}
