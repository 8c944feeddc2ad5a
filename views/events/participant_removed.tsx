import type { FragmentProps } from "./fragment.ts";

/** Someone left or was removed: the removed person's pages drop the conversation, the others their read mark. */
export function ParticipantRemoved({ data, variant }: FragmentProps<"participant_removed">) {
  const cid = data.conversation_id;
  return variant.key === "self"
    ? (
      <>
        <hx-partial hx-target={`#conv-${cid}`} hx-swap="delete"></hx-partial>
        <hx-partial hx-target={`#conversation-${cid}`} hx-swap="delete"></hx-partial>
      </>
    )
    : <hx-partial hx-target={`#read-mark-${cid}-${data.user_id}`} hx-swap="delete"></hx-partial>;
}
