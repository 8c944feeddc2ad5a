import type { MentionObject, MessageObject, ReactionObject, SharedConversationObject } from "./objects.ts";
import type { SupportQueueEntry } from "./support/queue_object.ts";

/**
 * Every event type, with its data. This one list is shared by the event log, the bus,
 * the SSE encoders and the tests; an SSE `event:` name is always one of these keys.
 */
export interface ChatEventData {
  connected: { user_id: string };
  message_created: { conversation_id: string; message: MessageObject };
  /**
   * `new_mentions`: people an edit mentions who were not mentioned before (`new_mentions_all`:
   * the edit added `@all`), so clients notify them as for a new message.
   */
  message_updated: {
    conversation_id: string;
    message: MessageObject;
    /** A streaming bot message: the content includes every `message_delta` up to this seq. */
    seq?: number;
    new_mentions?: MentionObject[];
    new_mentions_all?: boolean;
  };
  message_deleted: { conversation_id: string; message_id: string };
  /**
   * Text appended to a streaming bot message. Ephemeral: deltas are never stored; the
   * message's `message_updated` events carry the whole text so far with the `seq` it includes.
   */
  message_delta: { message_id: string; conversation: string; seq: number; delta: string };
  reaction: {
    conversation_id: string;
    message_id: string;
    reactions: ReactionObject[];
  };
  typing: { conversation_id: string; user_id: string; user_name: string };
  read: {
    conversation_id: string;
    user_id: string;
    last_read_message_id: string | null;
  };
  presence: { user_id: string; is_online: boolean; last_seen: string | null };
  /**
   * More people changed presence at once than are worth listing (a mass reconnect): the
   * client refetches `GET /api/chat/conversations/presence/` instead.
   */
  presence_sync: Record<string, never>;
  /** Every member receives the same conversation, so it carries nobody's unread count, archive or mute. */
  conversation_created: { conversation: SharedConversationObject };
  conversation_updated: { conversation: SharedConversationObject };
  participant_added: { conversation_id: string; user_id: string };
  participant_removed: { conversation_id: string; user_id: string };
  reset: Record<string, never>;
  /** A support conversation entered the agents' queue (agents only, see AGENT_EVENT_TYPES). */
  support_queued: { conversation: SupportQueueEntry };
  /** An agent claimed a support conversation: it leaves the queue. */
  support_claimed: { conversation: SupportQueueEntry };
  /** A support conversation was closed. */
  support_closed: { conversation: SupportQueueEntry };
}

/**
 * Events for the workspace's agents (members and admins) rather than for a conversation's
 * participants: they reach every agent's streams and never a guest's, the requester's included.
 */
export const AGENT_EVENT_TYPES = ["support_queued", "support_claimed", "support_closed"] as const;

/** True for the events that go to agents (see AGENT_EVENT_TYPES). */
export function isAgentEvent(type: ChatEventType): type is typeof AGENT_EVENT_TYPES[number] {
  return (AGENT_EVENT_TYPES as readonly string[]).includes(type);
}

export type ChatEventType = keyof ChatEventData;

/** Events that are written to the durable log (typing, deltas, presence, connected and reset are not). */
export type DurableEventType = Exclude<
  ChatEventType,
  "connected" | "typing" | "message_delta" | "presence" | "presence_sync" | "reset"
>;

/** A domain event about to be recorded: its type, data, and who it is routed to. */
export type NewChatEvent = {
  [K in DurableEventType]: {
    type: K;
    data: ChatEventData[K];
    /** Routed to this conversation's current participants. */
    conversationId: string;
    /** Also routed to this user (e.g. the participant just removed). */
    userId?: string;
  };
}[DurableEventType];

/** A recorded event as read back from the log, or an ephemeral one (id 0 = not replayable). */
export type ChatEvent = {
  [K in ChatEventType]: {
    id: number;
    tenantId: string;
    type: K;
    data: ChatEventData[K];
    conversationId: string | null;
    userId: string | null;
    createdAt: number;
  };
}[ChatEventType];
