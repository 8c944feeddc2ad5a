import type { FragmentProps } from "./fragment.ts";

/**
 * Text appended to a streaming bot message. It replaces the message's stream tail only when
 * the tail is at the previous seq: a delta after a gap (a reconnect, a dropped frame) or a
 * repeated one matches nothing and is skipped, and the next `message_updated` brings the
 * whole text. So the shown text is always a prefix of the answer.
 */
export function MessageDelta({ data }: FragmentProps<"message_delta">) {
  return (
    <hx-partial hx-target={`#stream-tail-${data.message_id}[data-seq="${data.seq - 1}"]`} hx-swap="outerHTML">
      {data.delta}
      <StreamTail messageId={data.message_id} seq={data.seq} />
    </hx-partial>
  );
}

/** Where the next delta of a streaming message goes, marked with the seq the text includes. */
export function StreamTail(props: { messageId: string; seq: number }) {
  return <span class="stream-tail" id={`stream-tail-${props.messageId}`} data-seq={props.seq}></span>;
}
