import { findConversationsById } from "../../db/conversations.ts";
import { findMessages } from "../../db/messages.ts";
import { listMembers } from "../../db/participants.ts";
import type { FoundMessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { conversationTitle } from "../conversations/object.ts";
import { messageObjects } from "./object.ts";

/**
 * Messages found for the caller (by a search or as mentions of them), as message objects
 * with the title of their conversation as the caller sees it, in the order of `ids`.
 * @param scope the caller
 * @param ids message ids the caller may see, in the order to answer
 */
export async function foundMessages(scope: TenantScope, ids: string[]): Promise<FoundMessageObject[]> {
  if (ids.length === 0) return [];
  const rows = await findMessages(scope, ids);
  const conversationIds = [...new Set(rows.map((r) => r.conversationId))];
  const [conversations, members] = await Promise.all([
    findConversationsById(scope, conversationIds),
    listMembers(scope, conversationIds),
  ]);
  const objects = await messageObjects(scope, rows, members);
  const byId = new Map(objects.map((o) => [o.id, o]));
  const titles = new Map(conversations.map((c) => {
    const own = members.filter((m) => m.participant.conversationId === c.id);
    return [c.id, conversationTitle(c, own, scope.userId)];
  }));
  return ids.flatMap((id) => {
    const object = byId.get(id);
    return object ? [{ ...object, conversation_title: titles.get(object.conversation) ?? "" }] : [];
  });
}
