import { ConversationRowOnTop } from "../conversation_list.tsx";
import type { FragmentProps } from "./fragment.ts";

/**
 * A conversation created, changed or joined: its row, as this viewer sees it, on top of the
 * list it belongs in. One the viewer archived never enters the active list.
 */
export function ConversationChanged(
  { variant, t }: FragmentProps<"conversation_created" | "conversation_updated" | "participant_added">,
) {
  return variant.conversation ? <ConversationRowOnTop conversation={variant.conversation} t={t} /> : null;
}
