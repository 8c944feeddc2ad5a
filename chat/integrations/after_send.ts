import type { ChatDeps, SentMessage } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { answerRequester, supportTicketOf } from "../support/support.ts";
import { callBotWebhooks } from "./bot_webhooks.ts";
import { conversationKind } from "../assistant/questions.ts";

/** Answers still running, per database, so a shutdown or a test can wait for them. */
const running = new WeakMap<object, Set<Promise<void>>>();

/**
 * Lets the bots answer a message once it is committed, without holding up the sender's
 * response: the work runs detached and a failure is logged, never thrown at the sender.
 * @param scope the sender
 * @param message the sent message
 */
export function afterSend(scope: TenantScope, message: SentMessage, deps: ChatDeps): void {
  const work = answer(scope, message, deps).catch((e) => {
    console.error(`Bot answer in conversation ${message.conversationId} failed:`, e);
  });
  const set = running.get(scope.db) ?? running.set(scope.db, new Set()).get(scope.db)!;
  set.add(work);
  work.finally(() => set.delete(work));
}

/** Resolves when the bot answers running against a database have ended. */
export async function botAnswersSettled(db: object): Promise<void> {
  while ((running.get(db)?.size ?? 0) > 0) await Promise.all(running.get(db)!);
}

async function answer(scope: TenantScope, message: SentMessage, deps: ChatDeps): Promise<void> {
  // a conversation's kind never changes and is remembered per process: most sends read nothing here
  const kind = await conversationKind(scope, message.conversationId);
  if (kind === "support") {
    const ticket = await supportTicketOf(scope, message.conversationId);
    if (ticket) await answerRequester(scope, ticket, message, deps);
  } else if (kind === "direct" || message.object.mentions.length > 0) {
    await callBotWebhooks(scope, message.object, deps);
  }
}
