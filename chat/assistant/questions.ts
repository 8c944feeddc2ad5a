import { findConversation } from "../../db/conversations.ts";
import type { ConversationKind } from "../../db/schema/mod.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantOnlyScope, TenantScope } from "../tenancy.ts";
import { ASSISTANT_USERNAME } from "./settings.ts";

/** Questions one person may ask the assistant per minute; the next is refused (429) and not stored. */
export const QUESTIONS_PER_MIN = 20;

// a conversation's kind never changes, so it is read once per process
const kinds = new WeakMap<object, Map<string, ConversationKind>>();
const MAX_KINDS = 50_000;

/** A conversation's kind, read once and then remembered (undefined: no such conversation). */
export async function conversationKind(
  scope: TenantOnlyScope,
  conversationId: string,
): Promise<ConversationKind | undefined> {
  const cache = kinds.get(scope.db) ?? kinds.set(scope.db, new Map()).get(scope.db)!;
  const known = cache.get(conversationId);
  if (known) return known;
  const row = await findConversation(scope, conversationId);
  if (!row || row.tenantId !== scope.tenantId) return undefined;
  if (cache.size >= MAX_KINDS) cache.clear();
  cache.set(conversationId, row.kind);
  return row.kind;
}

const MENTION = new RegExp(`(?<![\\p{L}\\p{N}_@.])@${ASSISTANT_USERNAME}(?![\\p{L}\\p{N}_])`, "iu");

/** True when a text mentions `@assistant`. */
export function mentionsAssistant(content: string): boolean {
  return content.includes("@") && MENTION.test(content);
}

/**
 * Whether a message about to be sent asks the assistant: any message in an assistant
 * conversation, or one mentioning `@assistant` in a group or channel.
 */
export async function asksAssistant(scope: TenantOnlyScope, conversationId: string, content: string) {
  const kind = await conversationKind(scope, conversationId);
  if (kind === "assistant") return { kind, threaded: false };
  if ((kind === "group" || kind === "channel") && mentionsAssistant(content)) return { kind, threaded: true };
  return null;
}

/**
 * Counts a question to the assistant against the sender's per-minute limit, before the
 * message is stored: beyond it the send answers 429 with Retry-After and stores nothing.
 * Sends that ask nothing of the assistant cost one cached lookup.
 */
export async function limitQuestions(
  scope: TenantScope,
  conversationId: string,
  content: string,
  deps: Pick<ChatDeps, "config" | "limiter">,
): Promise<void> {
  if (!deps.config.ai || !await asksAssistant(scope, conversationId, content)) return;
  deps.limiter.hit(`assistant:questions:${scope.tenantId}:${scope.userId}`, QUESTIONS_PER_MIN, 60_000);
}
