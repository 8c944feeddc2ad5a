import type { ChatEvent } from "../chat/events.ts";
import type { ConversationObject, MessageObject, SharedConversationObject } from "../chat/objects.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import { getConversation } from "../chat/conversations/conversations.ts";
import { unreadOfMembers } from "../chat/conversations/unread.ts";
import { getMessage } from "../chat/messages/changes.ts";
import { unreadMentionsOf } from "../chat/mentions/mentions.ts";
import type { Locale } from "../i18n/mod.ts";

/**
 * What one viewer's copy of a pushed fragment depends on. Viewers whose variants have the
 * same `key` receive byte-identical HTML, so the stream renders once per key, not once per
 * recipient.
 */
export interface UiVariant {
  key: string;
  locale: Locale;
  viewerId: string;
  /** The viewer's unread count in the event's conversation, when the fragment shows it. */
  unread?: number;
  muted?: boolean;
  /** The message mentions the viewer (or everyone): it notifies even in a muted conversation. */
  mentioned?: boolean;
  /** The conversation as this viewer sees it, for rows that appear or change. */
  conversation?: ConversationObject;
  /** A deleted message as every page now shows it. */
  tombstone?: MessageObject;
}

// Unread counts of all recipients of one event, read once by whichever stream renders it
// first: a per-stream count would be one query per recipient on the fan-out path.
const unreadByEvent = new WeakMap<
  ChatEvent,
  Promise<Map<string, { unread: number; muted: boolean; archived: boolean }>>
>();

async function unreadOf(scope: TenantScope, event: ChatEvent, conversationId: string) {
  let all = unreadByEvent.get(event);
  if (!all) unreadByEvent.set(event, all = unreadOfMembers(scope, conversationId));
  return (await all).get(scope.userId) ?? { unread: 0, muted: false, archived: false };
}

// The tombstone is the same for every viewer, so it is read once per event too.
const tombstoneByEvent = new WeakMap<ChatEvent, Promise<MessageObject | undefined>>();

function tombstoneOf(scope: TenantScope, event: ChatEvent, messageId: string) {
  let tombstone = tombstoneByEvent.get(event);
  if (!tombstone) tombstoneByEvent.set(event, tombstone = getMessage(scope, messageId).catch(() => undefined));
  return tombstone;
}

/**
 * The conversation as one viewer sees it: events carry it without anyone's own state, so
 * the viewer's title (a direct chat is named after the other person), unread count, mute
 * and archive flags are put back here.
 */
function viewOf(
  conversation: SharedConversationObject,
  viewerId: string,
  own: { unread: number; mentions: number; muted: boolean; archived: boolean },
): ConversationObject {
  const other = conversation.kind === "direct" ? conversation.participants.find((p) => p.id !== viewerId) : undefined;
  return {
    ...conversation,
    title: other?.name ?? conversation.title,
    unread_count: own.unread,
    unread_mentions: own.mentions,
    is_muted: own.muted,
    is_archived: own.archived,
  };
}

/**
 * Loads the per-viewer facts a fragment needs and names the variant. Unread counts and mute
 * flags come from one read per event shared by all its recipients; most events need none.
 * @param scope the subscriber's scope
 * @param locale the subscriber's interface language
 * @param event the event being pushed
 */
export async function uiEventVariant(scope: TenantScope, locale: Locale, event: ChatEvent): Promise<UiVariant> {
  const base = { locale, viewerId: scope.userId };
  switch (event.type) {
    case "message_created": {
      const { unread, muted } = await unreadOf(scope, event, event.data.conversation_id);
      const m = event.data.message;
      const mine = m.sender_id === scope.userId;
      const mentioned = !mine && (m.mentions_all || m.mentions.some((x) => x.user_id === scope.userId));
      return { ...base, key: `${locale}|${unread}|${muted}|${mine}|${mentioned}`, unread, muted, mentioned };
    }
    case "read": {
      if (event.data.user_id !== scope.userId) return { ...base, key: "other" };
      const { unread } = await unreadOf(scope, event, event.data.conversation_id);
      return { ...base, key: `${locale}|self|${unread}`, unread };
    }
    case "typing":
      return { ...base, key: event.data.user_id === scope.userId ? "self" : locale };
    case "conversation_created":
    case "conversation_updated": {
      const own = await unreadOf(scope, event, event.data.conversation.id);
      const mentions = await unreadMentionsOf(scope, event.data.conversation.id);
      const seen = viewOf(event.data.conversation, scope.userId, { ...own, mentions });
      return {
        ...base,
        key: `${locale}|${seen.title}|${own.unread}|${mentions}|${own.muted}|${own.archived}`,
        conversation: seen,
      };
    }
    case "message_deleted":
      return { ...base, key: locale, tombstone: await tombstoneOf(scope, event, event.data.message_id) };
    case "participant_added": {
      if (event.data.user_id !== scope.userId) return { ...base, key: "other" };
      const conversation = await getConversation(scope, event.data.conversation_id, {
        presence: { isOnline: () => false },
      }).catch(() => undefined);
      return { ...base, key: `self|${scope.userId}`, conversation };
    }
    case "participant_removed":
      return { ...base, key: event.data.user_id === scope.userId ? "self" : "other" };
    default:
      return { ...base, key: locale };
  }
}
