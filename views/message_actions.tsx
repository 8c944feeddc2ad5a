import type { Translator } from "../i18n/mod.ts";
import { Icon } from "./icons.tsx";

const QUICK_EMOJI = ["👍", "❤️", "😂", "🎉", "😮"];

/**
 * The one toolbar for message actions, translated once per page and moved by the page
 * script onto the message being hovered or focused, so message markup stays free of
 * per-viewer and per-language bits. Its requests name the message as `:id`, which the page
 * script fills in from the message it sits on. Edit and delete show on the viewer's own
 * messages (and delete for admins) by CSS. Its buttons are out of the tab order: the
 * message list is one tab stop, and Enter on a message moves into its toolbar.
 */
export function MessageActions(props: { t: Translator }) {
  const t = props.t;
  return (
    <div id="message-actions" class="message-actions" role="toolbar" aria-label={t("ui.message_actions")} hidden>
      {QUICK_EMOJI.map((e) => (
        <button
          type="button"
          tabindex={-1}
          data-action="react"
          data-emoji={e}
          aria-label={`${t("ui.react")} ${e}`}
          hx-post="/ui/messages/:id/react"
          hx-vals={JSON.stringify({ emoji: e })}
          hx-swap="none"
        >
          {e}
        </button>
      ))}
      <button
        type="button"
        tabindex={-1}
        data-action="pick"
        title={t("ui.add_reaction")}
        aria-label={t("ui.add_reaction")}
      >
        <Icon name="emoji" />
      </button>
      <button type="button" tabindex={-1} data-action="reply" title={t("ui.reply")} aria-label={t("ui.reply")}>
        <Icon name="reply" />
      </button>
      <button
        type="button"
        tabindex={-1}
        class="own-only"
        data-action="edit"
        title={t("ui.edit")}
        aria-label={t("ui.edit")}
      >
        <Icon name="edit" />
      </button>
      <button
        type="button"
        tabindex={-1}
        class="own-only delete-action"
        data-action="delete"
        title={t("ui.delete")}
        aria-label={t("ui.delete")}
        hx-post="/ui/messages/:id/delete"
        hx-confirm={t("ui.confirm_delete")}
        hx-swap="none"
      >
        <Icon name="delete" />
      </button>
    </div>
  );
}
