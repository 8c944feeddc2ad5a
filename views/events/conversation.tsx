import { ConversationRowOnTop } from "../conversation_list.tsx";
import { ChannelJoinItem } from "../new_conversation.tsx";
import type { FragmentProps } from "./fragment.ts";

/**
 * A conversation created, changed or joined: its row, as this viewer sees it, on top of the
 * list it belongs in. One the viewer archived never enters the active list. A new channel
 * the viewer is not in goes to the top of their "Join a channel" list.
 */
export function ConversationChanged(
  { variant, t }: FragmentProps<"conversation_created" | "conversation_updated" | "participant_added">,
) {
  if (variant.joinable) {
    return (
      <hx-partial hx-target=".channel-list" hx-swap="afterbegin">
        <ChannelJoinItem channel={variant.joinable} />
      </hx-partial>
    );
  }
  if (!variant.conversation) return null;
  return (
    <>
      <hx-partial hx-target={`#join-${variant.conversation.id}`} hx-swap="delete"></hx-partial>
      <ConversationRowOnTop conversation={variant.conversation} t={t} />
    </>
  );
}
