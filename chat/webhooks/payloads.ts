import type { ChatEvent } from "../events.ts";
import type { MentionObject, MessageObject } from "../objects.ts";

/** Every event a webhook can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "message.created",
  "message.updated",
  "message.deleted",
  "mention.created",
  "conversation.created",
  "participant.added",
  "participant.removed",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One webhook event: what is sent, before the workspace is filled in. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: Record<string, unknown>;
}

/** Whether a logged event notifies everyone in its conversation (`@all`), so its mentions need the participants. */
export function mentionsEveryone(event: ChatEvent): boolean {
  return (event.type === "message_created" && event.data.message.mentions_all) ||
    (event.type === "message_updated" && event.data.new_mentions_all === true);
}

/**
 * The webhook events one logged chat event stands for (none for most): the same data the
 * clients get, except that a deleted message carries only its id, and a mention is one
 * event per mentioned person, naming who mentioned them, where.
 * @param event an event read from the log
 * @param everyone the conversation's participants, when the event mentions everyone (`@all`)
 */
export function webhookEventsFor(event: ChatEvent, everyone: MentionObject[] = []): WebhookEvent[] {
  const base = { created_at: new Date(event.createdAt).toISOString() };
  const one = (type: WebhookEventType, data: Record<string, unknown>): WebhookEvent => ({
    id: `evt_${event.id}`,
    type,
    ...base,
    data,
  });
  switch (event.type) {
    case "message_created":
      return [
        one("message.created", { conversation_id: event.data.conversation_id, message: event.data.message }),
        ...mentionEvents(event.id, base.created_at, event.data.message, [...event.data.message.mentions, ...everyone]),
      ];
    case "message_updated":
      return [
        one("message.updated", { conversation_id: event.data.conversation_id, message: event.data.message }),
        ...mentionEvents(event.id, base.created_at, event.data.message, [
          ...event.data.new_mentions ?? [],
          ...everyone,
        ]),
      ];
    case "message_deleted":
      return [
        one("message.deleted", { conversation_id: event.data.conversation_id, message_id: event.data.message_id }),
      ];
    case "conversation_created":
      return [one("conversation.created", { conversation: event.data.conversation })];
    case "participant_added":
      return [one("participant.added", { conversation_id: event.data.conversation_id, user_id: event.data.user_id })];
    case "participant_removed":
      return [one("participant.removed", { conversation_id: event.data.conversation_id, user_id: event.data.user_id })];
    default:
      return [];
  }
}

function mentionEvents(
  eventId: number,
  createdAt: string,
  message: MessageObject,
  mentioned: MentionObject[],
): WebhookEvent[] {
  // once per person, never the author (who may be among everyone)
  const people = mentioned.filter((p, i) =>
    p.user_id !== message.sender_id && mentioned.findIndex((q) => q.user_id === p.user_id) === i
  );
  return people.map((person) => ({
    id: `evt_${eventId}_${person.user_id}`,
    type: "mention.created",
    created_at: createdAt,
    data: {
      conversation_id: message.conversation,
      message_id: message.id,
      user: person,
      by: { user_id: message.sender_id, name: message.sender_name },
      message,
    },
  }));
}
