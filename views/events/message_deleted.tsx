import { previewOf } from "../conversation_list.tsx";
import { MessageItem, Reactions } from "../message_item.tsx";
import type { FragmentProps } from "./fragment.ts";

/**
 * A deleted message. The whole item is replaced by its tombstone, as a reload renders it:
 * files, reactions and the text kept for editing and quoting leave every open page, and so
 * do the quotes of it, its row's preview and its announcement.
 */
export function MessageDeleted({ data, variant: v, t }: FragmentProps<"message_deleted">) {
  const { conversation_id: cid, message_id: id } = data;
  return (
    <>
      {v.tombstone
        ? (
          <hx-partial hx-target={`#message-${id}`} hx-swap="outerHTML">
            <MessageItem message={v.tombstone} parent={v.parent} />
          </hx-partial>
        )
        : (
          <>
            <hx-partial hx-target={`#message-body-${id}`} hx-swap="innerHTML">
              <em class="deleted-text">{t("ui.message_deleted")}</em>
            </hx-partial>
            <hx-partial hx-target={`#message-${id} .attachments`} hx-swap="delete"></hx-partial>
            <hx-partial hx-target={`#reactions-${id}`} hx-swap="outerHTML">
              <Reactions message={{ id, reactions: [], is_deleted: true }} />
            </hx-partial>
          </>
        )}
      <hx-partial hx-target={`.reply-quote[data-parent-id="${id}"] .quote-text`} hx-swap="outerHTML">
        <span class="quote-text">{t("ui.message_deleted")}</span>
      </hx-partial>
      <hx-partial hx-target={previewOf(cid, id)} hx-swap="innerHTML">
        {t("ui.message_deleted")}
      </hx-partial>
      <hx-partial hx-target={`#live-region > [data-message-id="${id}"]`} hx-swap="delete"></hx-partial>
    </>
  );
}
