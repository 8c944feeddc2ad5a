import { TypingSlot } from "../message_list.tsx";
import type { FragmentProps } from "./fragment.ts";

/** Someone typing, shown to everyone else in the conversation. */
export function Typing({ data, variant, t }: FragmentProps<"typing">) {
  if (variant.key === "self") return null;
  return (
    <hx-partial hx-target={`#typing-${data.conversation_id}`} hx-swap="outerHTML">
      <TypingSlot conversationId={data.conversation_id} text={t("ui.typing", { name: data.user_name })} />
    </hx-partial>
  );
}
