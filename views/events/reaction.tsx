import { Reactions } from "../message_item.tsx";
import type { FragmentProps } from "./fragment.ts";

/** A message's reactions after one was added or removed. */
export function ReactionChanged({ data }: FragmentProps<"reaction">) {
  return (
    <hx-partial hx-target={`#reactions-${data.message_id}`} hx-swap="outerHTML">
      <Reactions message={{ id: data.message_id, reactions: data.reactions, is_deleted: false }} />
    </hx-partial>
  );
}
