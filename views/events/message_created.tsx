import { previewText } from "../format.tsx";
import { ConversationRowOnTop } from "../conversation_list.tsx";
import { MessageItem, MessageUpsert } from "../message_item.tsx";
import { TypingSlot } from "../message_list.tsx";
import type { FragmentProps } from "./fragment.ts";
import { Notice } from "./notice.tsx";

/**
 * A new message: the item in its list, its conversation's row on top of the list with the
 * viewer's unread count, the sender's typing cleared. Others hear it announced (a delete
 * takes the announcement back) and get a notification, in a muted conversation only when it
 * mentions them.
 */
export function MessageCreated({ data, variant: v, t }: FragmentProps<"message_created">) {
  const { conversation_id: cid, message: m } = data;
  const preview = m.content ? previewText(m.content, 120) : m.attachments[0]?.filename ?? "";
  const sender = m.sender_name ?? "";
  return (
    <>
      <MessageUpsert conversationId={cid}>
        <MessageItem message={m} parent={v.parent} />
      </MessageUpsert>
      {v.conversation ? <ConversationRowOnTop conversation={v.conversation} t={t} /> : null}
      <hx-partial hx-target={`#typing-${cid}`} hx-swap="outerHTML">
        <TypingSlot conversationId={cid} />
      </hx-partial>
      {v.mine || m.kind === "system" ? null : (
        <hx-partial hx-target="#live-region" hx-swap="innerHTML">
          <span data-message-id={m.id}>{`${t("ui.new_message_from", { name: sender })} ${preview}`}</span>
        </hx-partial>
      )}
      {
        // a system message (someone joined, a rename) is never notified
        v.mine || m.kind === "system" || (v.muted && !v.mentioned) ? null : (
          <Notice
            kind="message"
            data={{
              "conversation-id": cid,
              "message-id": m.id,
              sender,
              preview,
              muted: v.muted ? "true" : "false",
              mentioned: v.mentioned ? "true" : "false",
            }}
          />
        )
      }
    </>
  );
}
