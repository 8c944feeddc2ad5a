import { countUnread, countUnreadForMembers } from "../../db/messages.ts";
import { findMembership, listMembers } from "../../db/participants.ts";
import type { TenantScope } from "../tenancy.ts";

/** Counts stop here: a badge shows "999+" and the count stays one bounded index scan. */
export const UNREAD_CAP = 999;

/** How far one participant has read a conversation. */
export interface ReadMark {
  userId: string;
  name: string;
  lastReadId: string | null;
}

/**
 * The caller's unread count (others' messages after their read mark, capped) and mute flag
 * in a conversation; zero and unmuted when they are not in it.
 * @param scope the viewer's scope
 * @param conversationId the conversation
 */
export async function unreadOf(
  scope: TenantScope,
  conversationId: string,
): Promise<{ unread: number; muted: boolean }> {
  const me = await findMembership(scope, conversationId, scope.userId);
  if (!me) return { unread: 0, muted: false };
  const unread = await countUnread(scope, conversationId, {
    userId: scope.userId,
    afterId: me.lastReadMessageId,
    cap: UNREAD_CAP,
  });
  return { unread, muted: me.isMuted };
}

/**
 * Unread count, mute and archive flags of every current member of a conversation, keyed by
 * user id (members absent from the map are not in it).
 * @param scope a scope of the conversation's tenant
 * @param conversationId the conversation
 */
export function unreadOfMembers(
  scope: Pick<TenantScope, "tenantId" | "db">,
  conversationId: string,
): Promise<Map<string, { unread: number; muted: boolean; archived: boolean }>> {
  return countUnreadForMembers(scope, conversationId, UNREAD_CAP);
}

/**
 * Every current participant's read mark, for "seen by" and the "new messages" divider.
 * Call after checking the caller may see the conversation.
 * @param scope the viewer's scope
 * @param conversationId a conversation the caller is in
 */
export async function readMarksOf(scope: TenantScope, conversationId: string): Promise<ReadMark[]> {
  const members = await listMembers(scope, [conversationId]);
  return members.map((m) => ({
    userId: m.user.id,
    name: m.user.name,
    lastReadId: m.participant.lastReadMessageId,
  }));
}
