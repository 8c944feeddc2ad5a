import type { FragmentProps } from "./fragment.ts";
import { SupportQueueRow } from "../support_queue.tsx";

/** A support conversation entered the queue: the agents' Support view lists it. */
export function SupportQueued({ data, t }: FragmentProps<"support_queued">) {
  return (
    <hx-partial hx-target="#support-queue" hx-swap="beforeend">
      <SupportQueueRow entry={data.conversation} t={t} />
    </hx-partial>
  );
}

/** A support conversation was claimed or closed: it leaves the agents' queue. */
export function SupportLeft({ data }: FragmentProps<"support_claimed" | "support_closed">) {
  return <hx-partial hx-target={`#support-${data.conversation.id}`} hx-swap="delete"></hx-partial>;
}
