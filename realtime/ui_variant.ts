import type { ChatEvent } from "../chat/events.ts";
import type { ConversationObject, MessageObject, SharedConversationObject } from "../chat/objects.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import { getConversation } from "../chat/conversations/conversations.ts";
import { sharedConversation } from "../chat/conversations/object.ts";
import { unreadOfMembers } from "../chat/conversations/unread.ts";
import { getMessage } from "../chat/messages/changes.ts";
import { unreadMentionsOfMembers } from "../chat/mentions/mentions.ts";
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
  /** The viewer wrote the pushed message: nothing is announced or notified to them. */
  mine?: boolean;
  /** The viewer's unread count in the event's conversation, when the fragment shows it. */
  unread?: number;
  /** The viewer's unread mentions in the event's conversation, when the fragment shows them. */
  mentions?: number;
  muted?: boolean;
  /** The message mentions the viewer (or everyone): it notifies even in a muted conversation. */
  mentioned?: boolean;
  /** The conversation as this viewer sees it, for rows that appear, change or move up. */
  conversation?: ConversationObject;
  /** A deleted message as every page now shows it. */
  tombstone?: MessageObject;
  /** The message a pushed reply quotes. */
  parent?: MessageObject;
  /** A new channel the viewer is not in: it goes to their "Join a channel" list. */
  joinable?: { id: string; title: string };
}

type Own = { unread: number; mentions: number; muted: boolean; archived: boolean };

/**
 * A read made once per event by whichever stream renders it first and shared by all its
 * recipients: a per-stream read would be one query per recipient on the fan-out path.
 */
function oncePerEvent<T, A>(load: (scope: TenantScope, arg: A) => Promise<T>) {
  const byEvent = new WeakMap<ChatEvent, Promise<T>>();
  return (scope: TenantScope, event: ChatEvent, arg: A): Promise<T> => {
    let value = byEvent.get(event);
    if (!value) byEvent.set(event, value = load(scope, arg));
    return value;
  };
}

const membersOf = oncePerEvent((scope, conversationId: string) => unreadOfMembers(scope, conversationId));
const mentionsOf = oncePerEvent((scope, conversationId: string) => unreadMentionsOfMembers(scope, conversationId));
// a message or conversation that went away meanwhile is left out of the fragment
const messageOf = (scope: TenantScope, id: string) => getMessage(scope, id).catch(() => undefined);
const tombstoneOf = oncePerEvent(messageOf);
const quotedOf = oncePerEvent(messageOf);
const sharedOf = oncePerEvent((scope, conversationId: string) =>
  getConversation(scope, conversationId, { presence: { isOnline: () => false } }).then(sharedConversation)
    .catch(() => undefined)
);

async function ownOf(scope: TenantScope, event: ChatEvent, conversationId: string): Promise<Own> {
  const [members, mentions] = await Promise.all([
    membersOf(scope, event, conversationId),
    mentionsOf(scope, event, conversationId),
  ]);
  const own = members.get(scope.userId) ?? { unread: 0, muted: false, archived: false };
  return { ...own, mentions: mentions.get(scope.userId) ?? 0 };
}

function parentOf(scope: TenantScope, event: ChatEvent, message: MessageObject | undefined) {
  return message?.parent_id ? quotedOf(scope, event, message.parent_id) : Promise.resolve(undefined);
}

/**
 * The conversation as one viewer sees it: events carry it without anyone's own state, so
 * the viewer's title (a direct chat is named after the other person), unread count, mute
 * and archive flags are put back here.
 */
function viewOf(conversation: SharedConversationObject, viewerId: string, own: Own): ConversationObject {
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

/** The variant key of a conversation row: what differs between viewers' rows. */
function rowKey(c: ConversationObject): string {
  return `${c.title}|${c.unread_count}|${c.unread_mentions}|${c.is_muted}|${c.is_archived}`;
}

/**
 * Loads the per-viewer facts a fragment needs and names the variant. Unread counts, flags,
 * the conversation and quoted messages come from one read per event shared by all its
 * recipients; most events need none.
 * @param scope the subscriber's scope
 * @param locale the subscriber's interface language
 * @param event the event being pushed
 */
export async function uiEventVariant(scope: TenantScope, locale: Locale, event: ChatEvent): Promise<UiVariant> {
  const base = { locale, viewerId: scope.userId };
  switch (event.type) {
    case "message_created": {
      const { conversation_id: cid, message } = event.data;
      const [own, shared, parent] = await Promise.all([
        ownOf(scope, event, cid),
        sharedOf(scope, event, cid),
        parentOf(scope, event, message),
      ]);
      // the row moves up with this message as its latest, whatever was read meanwhile
      const latest = shared && { ...shared, last_message: message, updated_at: message.created_at };
      const conversation = latest && viewOf(latest, scope.userId, own);
      const mine = message.sender_id === scope.userId;
      const mentioned = !mine && (message.mentions_all || message.mentions.some((x) => x.user_id === scope.userId));
      const key = `${locale}|${mine}|${mentioned}|${own.muted}|${conversation ? rowKey(conversation) : own.unread}`;
      return { ...base, key, mine, mentioned, unread: own.unread, muted: own.muted, conversation, parent };
    }
    case "message_updated": {
      // an edit may add or remove mentions of the viewer
      const [{ mentions }, parent] = await Promise.all([
        ownOf(scope, event, event.data.conversation_id),
        parentOf(scope, event, event.data.message),
      ]);
      return { ...base, key: `${locale}|${mentions}`, mentions, parent };
    }
    case "read": {
      if (event.data.user_id !== scope.userId) return { ...base, key: "other" };
      const { unread, mentions } = await ownOf(scope, event, event.data.conversation_id);
      return { ...base, key: `${locale}|self|${unread}|${mentions}`, unread, mentions };
    }
    case "typing":
      return { ...base, key: event.data.user_id === scope.userId ? "self" : locale };
    case "conversation_created":
      if (!event.data.conversation.participants.some((p) => p.id === scope.userId)) {
        const { id, title } = event.data.conversation;
        return { ...base, key: "joinable", joinable: { id, title } };
      }
      // falls through: a member's row
    case "conversation_updated": {
      const own = await ownOf(scope, event, event.data.conversation.id);
      const conversation = viewOf(event.data.conversation, scope.userId, own);
      return { ...base, key: `${locale}|${rowKey(conversation)}`, conversation };
    }
    case "message_deleted": {
      const tombstone = await tombstoneOf(scope, event, event.data.message_id);
      return { ...base, key: locale, tombstone, parent: await parentOf(scope, event, tombstone) };
    }
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
