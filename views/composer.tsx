import type { MessageKey, Translator } from "../i18n/mod.ts";
import { ORDER_KEY } from "./message_item.tsx";
import { MentionMenu } from "./mention_menu.tsx";
import { Icon } from "./icons.tsx";

/**
 * The message composer. Enter sends, Shift+Enter adds a line, typing is signalled while
 * there is text; the page script keeps a draft per conversation, handles replies and
 * edits, and sends files with progress.
 */
export function Composer(props: { conversationId: string; t: Translator; maxUploadMb?: number }) {
  const t = props.t;
  const id = props.conversationId;
  return (
    <form
      class="composer"
      id={`composer-${id}`}
      data-conversation-id={id}
      data-max-upload-mb={props.maxUploadMb}
      hx-post={`/ui/conversations/${id}/messages`}
      hx-target={`#messages-${id}`}
      hx-swap={`upsert key:${ORDER_KEY}`}
      hx-encoding="multipart/form-data"
      {
        // a refused text (personal data the workspace blocks) is explained here and stays in the box;
        // a server error swaps nothing: the page shows the message as not sent, to retry
        ...{ "hx-status:422": `target:#composer-notice-${id} swap:innerHTML`, "hx-status:5xx": "swap:none" }
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
      <MentionMenu conversationId={id} people={[]} t={t} />
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
          aria-autocomplete="list"
          aria-controls={`mention-menu-${id}`}
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
 * A message whose send failed (no connection, a server error), as the page shows it under
 * the list: its text and a retry, which sends it again with the same `client_id`, so a send
 * that did reach the server is not stored twice. The page script fills in a copy.
 */
export function UnsentTemplate(props: { conversationId: string; t: Translator }) {
  const id = props.conversationId;
  return (
    <template id={`unsent-template-${id}`}>
      <form
        class="unsent"
        hx-post={`/ui/conversations/${id}/messages`}
        hx-target={`#messages-${id}`}
        hx-swap={`upsert key:${ORDER_KEY}`}
        hx-encoding="multipart/form-data"
        {...{ "hx-status:5xx": "swap:none" }}
      >
        <p class="unsent-text"></p>
        <input type="hidden" name="content" />
        <input type="hidden" name="parent_id" />
        <input type="hidden" name="client_id" />
        <input type="file" name="attachments" multiple hidden />
        <p class="unsent-state" role="alert">
          {props.t("ui.not_sent")} — <button type="submit" class="link-button retry-send">{props.t("ui.retry")}</button>
        </p>
      </form>
    </template>
  );
}

/**
 * Why a message was refused for the personal data in it, naming the kinds found.
 * @param kinds the labels of the refusal's details (`email`, `phone`, `card`, `iban`)
 */
export function piiRefusalText(t: Translator, kinds: readonly string[]): string {
  return t("ui.pii_blocked", { kinds: kinds.map((kind) => t(`ui.pii_${kind}` as MessageKey)).join(", ") });
}
