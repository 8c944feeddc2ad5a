import { MentionBadgeUpdate, UnreadBadgeUpdate } from "../conversation_list.tsx";
import { ReadWatermark } from "../message_list.tsx";
import type { FragmentProps } from "./fragment.ts";

/** How far someone has read; the reader's own pages also get the conversation's new unread and mention counts. */
export function Read({ data, variant: v, t }: FragmentProps<"read">) {
  const { conversation_id: cid, user_id: uid, last_read_message_id: lastRead } = data;
  return (
    <>
      <hx-partial hx-target={`#read-${cid}-${uid}`} hx-swap="outerHTML">
        <ReadWatermark conversationId={cid} userId={uid} lastReadId={lastRead} />
      </hx-partial>
      {v.unread !== undefined ? <UnreadBadgeUpdate conversationId={cid} count={v.unread} t={t} /> : null}
      {v.mentions !== undefined ? <MentionBadgeUpdate conversationId={cid} count={v.mentions} t={t} /> : null}
    </>
  );
}
