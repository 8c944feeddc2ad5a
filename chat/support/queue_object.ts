import type { SharedConversationObject } from "../objects.ts";

/** Where a support conversation stands: with the bot, waiting for an agent, claimed, closed. */
export type SupportStatus = "bot" | "queued" | "claimed" | "closed";

/**
 * A support conversation as agents see it in the queue and its events: the conversation
 * object (without anyone's private state) plus who asked, since when they wait, and its state.
 */
export type SupportQueueEntry = SharedConversationObject & {
  requester: { id: string; name: string };
  waiting_since: string | null;
  support_status: SupportStatus;
  claimed_by: string | null;
};
