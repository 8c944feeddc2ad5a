import { MentionBadgeUpdate, messagePreview, previewOf, PreviewText } from "../conversation_list.tsx";
import { MessageItem, MessageUpsert } from "../message_item.tsx";
import type { FragmentProps } from "./fragment.ts";

/**
 * An edited message: the item in place, its row's preview while that still shows this
 * message, and the viewer's `@` badge (an edit may add or remove mentions).
 */
export function MessageUpdated({ data, variant: v, t }: FragmentProps<"message_updated">) {
  const { conversation_id: cid, message: m } = data;
  return (
    <>
      <MessageUpsert conversationId={cid}>
        <MessageItem message={m} parent={v.parent} streamSeq={data.seq} />
      </MessageUpsert>
      <hx-partial hx-target={previewOf(cid, m.id)} hx-swap="innerHTML">
        <PreviewText preview={messagePreview(m, t)} />
      </hx-partial>
      {v.mentions !== undefined ? <MentionBadgeUpdate conversationId={cid} count={v.mentions} t={t} /> : null}
    </>
  );
}
