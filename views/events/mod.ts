import type { Child } from "hono/jsx";
import type { ChatEvent, ChatEventType } from "../../chat/events.ts";
import { translator } from "../../i18n/mod.ts";
import type { UiVariant } from "../../realtime/ui_variant.ts";
import { ConversationChanged } from "./conversation.tsx";
import type { FragmentProps } from "./fragment.ts";
import { MessageCreated } from "./message_created.tsx";
import { MessageDeleted } from "./message_deleted.tsx";
import { MessageDelta } from "./message_delta.tsx";
import { MessageUpdated } from "./message_updated.tsx";
import { ParticipantRemoved } from "./participant_removed.tsx";
import { Presence } from "./presence.tsx";
import { PresenceSync } from "./presence_sync.tsx";
import { ReactionChanged } from "./reaction.tsx";
import { Read } from "./read.tsx";
import { Reset } from "./reset.tsx";
import { Typing } from "./typing.tsx";
import { SupportLeft, SupportQueued } from "./support.tsx";

type Fragment<K extends ChatEventType> = (props: FragmentProps<K>) => Child;

/** The fragment of each event type; an event type without one is not sent to pages. */
const FRAGMENTS: { [K in ChatEventType]: Fragment<K> | null } = {
  connected: null,
  message_created: MessageCreated,
  message_updated: MessageUpdated,
  message_deleted: MessageDeleted,
  message_delta: MessageDelta,
  reaction: ReactionChanged,
  typing: Typing,
  read: Read,
  presence: Presence,
  presence_sync: PresenceSync,
  conversation_created: ConversationChanged,
  conversation_updated: ConversationChanged,
  participant_added: ConversationChanged,
  participant_removed: ParticipantRemoved,
  reset: Reset,
  support_queued: SupportQueued,
  support_claimed: SupportLeft,
  support_closed: SupportLeft,
};

/**
 * Renders an event as the HTML of one unnamed SSE message for htmx: partials that update
 * every part of the page showing it (message list, conversation row, badges, read marks,
 * typing, notices). Targets missing from a page are skipped by htmx. Empty string means
 * "send nothing".
 * @param event the event
 * @param variant from `uiEventVariant`
 */
export function renderUiEvent(event: ChatEvent, variant: UiVariant): string {
  const fragment = FRAGMENTS[event.type] as Fragment<ChatEventType> | null;
  const markup = fragment?.({ data: event.data, variant, t: translator(variant.locale) });
  return markup == null ? "" : String(markup);
}
