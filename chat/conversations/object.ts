import type { DbOrTx } from "../../db/client.ts";
import type { Conversation } from "../../db/schema/mod.ts";
import { listMembers, type Member } from "../../db/participants.ts";
import { countUnread, findMessages } from "../../db/messages.ts";
import type { ConversationObject, MessageObject, SharedConversationObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantOnlyScope } from "../tenancy.ts";
import { messageObjects } from "../messages/object.ts";
import { countUnreadMentions } from "../../db/mentions.ts";

/** Unread counts are exact up to this number; the display shows "999+" beyond. */
export const UNREAD_CAP = 999;

/** The title a viewer sees: a direct chat is named after the other person. */
export function conversationTitle(conversation: Conversation, members: Member[], viewerId: string): string {
  if (conversation.kind === "direct") {
    const other = members.find((m) => m.user.id !== viewerId) ?? members[0];
    return other?.user.name ?? conversation.title ?? "";
  }
  return conversation.title ?? "";
}

/**
 * The one serializer of conversations, as seen by one viewer (title, unread count and the
 * archived/muted flags are per viewer).
 * @param deps presence, for each participant's is_online
 */
export async function conversationObjects(
  scope: TenantOnlyScope,
  viewerId: string,
  rows: Conversation[],
  deps: Pick<ChatDeps, "presence">,
  db: DbOrTx = scope.db,
): Promise<ConversationObject[]> {
  if (rows.length === 0) return [];
  const members = await listMembers(scope, rows.map((c) => c.id), db);
  const lastIds = rows.map((c) => c.lastMessageId).filter((id): id is string => !!id);
  const lastRows = await findMessages(scope, lastIds, db);
  const lastObjects = await messageObjects(scope, lastRows, members, db);
  const lastById = new Map<string, MessageObject>(lastObjects.map((m) => [m.id, m]));
  const unread = await Promise.all(rows.map((c) => {
    const me = members.find((m) => m.participant.conversationId === c.id && m.user.id === viewerId);
    if (!me || !c.lastMessageId || (me.participant.lastReadMessageId ?? "") >= c.lastMessageId) return 0;
    return countUnread(scope, c.id, {
      userId: viewerId,
      afterId: me.participant.lastReadMessageId,
      cap: UNREAD_CAP,
    }, db);
  }));
  const mentions = await countUnreadMentions(scope, viewerId, rows.map((c) => c.id), db);
  return rows.map((c, i) => {
    const own = members.filter((m) => m.participant.conversationId === c.id);
    const me = own.find((m) => m.user.id === viewerId);
    return {
      id: c.id,
      kind: c.kind,
      title: conversationTitle(c, own, viewerId),
      topic: c.topic,
      is_group: c.kind !== "direct",
      created_at: c.createdAt.toISOString(),
      // the list's order key, exactly: a client pages with the last one it holds
      updated_at: c.updatedAt.toISOString(),
      last_message: (c.lastMessageId && lastById.get(c.lastMessageId)) || null,
      unread_count: unread[i],
      unread_mentions: mentions.get(c.id) ?? 0,
      is_archived: me?.participant.isArchived ?? false,
      is_muted: me?.participant.isMuted ?? false,
      participants: own.map((m) => ({
        id: m.user.id,
        name: m.user.name,
        email: m.user.email,
        username: m.user.username,
        // bots answer at any hour, so they are always online
        is_online: m.user.isBot || deps.presence.isOnline(scope.tenantId, m.user.id),
        is_bot: m.user.isBot,
      })),
      context_type: c.contextType,
      context_id: c.contextId,
      custom_fields: c.customFields,
    };
  });
}

/**
 * A conversation object without its viewer's own state (unread count, archive and mute), as
 * events carry it: an event goes to every member, and one member's state is private to them.
 * @param conversation the object as some viewer sees it
 */
export function sharedConversation(conversation: ConversationObject): SharedConversationObject {
  const {
    unread_count: _unread,
    unread_mentions: _mentions,
    is_archived: _archived,
    is_muted: _muted,
    ...shared
  } = conversation;
  return shared;
}
