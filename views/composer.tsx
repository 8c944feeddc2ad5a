import type { MessageKey, Translator } from "../i18n/mod.ts";
import { ORDER_KEY } from "./message_item.tsx";
import { Icon } from "./icons.tsx";

/**
 * The message composer. Enter sends, Shift+Enter adds a line, typing is signalled while
 * there is text; the page script keeps a draft per conversation, handles replies and
 * edits, and sends files with progress.
 */
export function Composer(props: { conversationId: string; t: Translator }) {
  const t = props.t;
  const id = props.conversationId;
  return (
    <form
      class="composer"
      id={`composer-${id}`}
      data-conversation-id={id}
      hx-post={`/ui/conversations/${id}/messages`}
      hx-target={`#messages-${id}`}
      hx-swap={`upsert key:${ORDER_KEY}`}
      hx-encoding="multipart/form-data"
      {
        // a refused text (personal data the workspace blocks) is explained here and stays in the box
        ...{ "hx-status:422": `target:#composer-notice-${id} swap:innerHTML` }
      }
    >
      <div class="composer-context" hidden>
        <span class="composer-context-label"></span>
        <button type="button" class="icon-button composer-cancel" aria-label={t("ui.cancel")} title={t("ui.cancel")}>
          <Icon name="close" />
        </button>
      </div>
      <input type="hidden" name="parent_id" value="" />
      <input type="hidden" name="client_id" value="" />
      <input type="hidden" name="edit_id" value="" />
      <p class="composer-notice" id={`composer-notice-${id}`} role="alert"></p>
      <ul class="file-list" aria-live="polite"></ul>
      <progress class="upload-progress" max="100" value="0" hidden></progress>
      <div class="composer-row">
        <label class="icon-button attach" title={t("ui.attach")}>
          <Icon name="attach" />
          <span class="sr-only">{t("ui.attach")}</span>
          <input type="file" name="attachments" multiple class="sr-only file-input" />
        </label>
        <button
          type="button"
          class="icon-button emoji-button"
          title={t("ui.insert_emoji")}
          aria-label={t("ui.insert_emoji")}
        >
          <Icon name="emoji" />
        </button>
        <textarea
          name="content"
          rows={1}
          maxlength={5000}
          placeholder={t("ui.type_message")}
          aria-label={t("ui.type_message")}
          class="composer-input"
          // one typing signal per 2.5 s at most: 24 a minute, under the server's limit of 30 per
          // user, and often enough that the other side's indicator (it lasts 5 s) stays up
          hx-post={`/ui/conversations/${id}/typing`}
          hx-trigger="input changed throttle:2500ms"
          hx-swap="none"
        >
        </textarea>
        <button type="submit" class="primary send-button">{t("ui.send")}</button>
      </div>
      <p class="drop-hint" aria-hidden="true">{t("ui.drop_files")}</p>
    </form>
  );
}

/**
 * Why a message was refused for the personal data in it, naming the kinds found.
 * @param kinds the labels of the refusal's details (`email`, `phone`, `card`, `iban`)
 */
export function piiRefusalText(t: Translator, kinds: readonly string[]): string {
  return t("ui.pii_blocked", { kinds: kinds.map((kind) => t(`ui.pii_${kind}` as MessageKey)).join(", ") });
}
