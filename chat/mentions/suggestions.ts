import { getConversation } from "../conversations/conversations.ts";
import type { ChatDeps } from "../deps.ts";
import type { ParticipantObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";

/** How many people the composer suggests at once. */
export const MAX_SUGGESTIONS = 8;

/**
 * The people of a conversation the caller may be about to mention: its participants but
 * the caller, whose username, or a word of whose name, starts with `prefix` (ignoring
 * case), by name. Not visible to the caller is 404, as for the conversation.
 * @param conversationId the conversation the composer writes to
 * @param prefix what follows the `@` typed so far (empty lists everyone)
 */
export async function mentionSuggestions(
  scope: TenantScope,
  conversationId: string,
  prefix: string,
  deps: Pick<ChatDeps, "presence">,
): Promise<ParticipantObject[]> {
  const { participants } = await getConversation(scope, conversationId, deps);
  const start = prefix.toLowerCase();
  const matches = (p: ParticipantObject) =>
    p.username.startsWith(start) || p.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(start));
  return participants.filter((p) => p.id !== scope.userId && matches(p))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS);
}
