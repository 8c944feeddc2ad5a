import { raw } from "hono/html";
import type { FoundMessageObject } from "../chat/objects.ts";
import type { Translator } from "../i18n/mod.ts";
import { previewText } from "./format.tsx";

/**
 * The search box above the conversation list and the button of the viewer's mentions; both
 * answer into the results under them. Searching starts as the viewer pauses typing; an
 * emptied box clears the results.
 */
export function SearchBox(props: { t: Translator }) {
  const t = props.t;
  return (
    <div class="sidebar-search">
      <form
        class="search-form"
        role="search"
        hx-get="/ui/search"
        hx-target="#found"
        hx-swap="innerHTML swapEmpty:true"
        hx-trigger="submit, input delay:300ms"
      >
        <input
          type="search"
          name="q"
          maxlength={200}
          autocomplete="off"
          placeholder={t("ui.search_placeholder")}
          aria-label={t("ui.search")}
        />
      </form>
      <button type="button" class="mentions-button" hx-get="/ui/mentions" hx-target="#found" title={t("ui.mentions")}>
        <span aria-hidden="true">@</span>
        <span class="sr-only">{t("ui.mentions")}</span>
      </button>
      <div id="found" class="found" aria-live="polite"></div>
    </div>
  );
}

/** One found message: where and when it was said, by whom, and the text (search: its highlighted excerpt). */
function FoundItem(props: { message: FoundMessageObject; t: Translator }) {
  const m = props.message;
  const at = `/ui/conversations/${m.conversation}?around_id=${m.id}`;
  return (
    <li class="found-item" id={`found-${m.id}`}>
      <a class="found-link" href={`/c/${m.conversation}?around_id=${m.id}`} hx-get={at} hx-target="#pane">
        <span class="found-meta">
          <span class="found-where">{props.t("ui.search_result_in", { conversation: m.conversation_title })}</span>
          <time datetime={m.created_at} data-format="short">{m.created_at.slice(11, 16)}</time>
        </span>
        <span class="found-text">
          <span class="found-sender">{`${m.sender_name ?? ""}: `}</span>
          {/* the highlight is HTML-escaped by the search, with only its matches in <mark> */}
          {m.highlight !== undefined ? raw(m.highlight) : previewText(m.content, 200)}
        </span>
      </a>
    </li>
  );
}

/**
 * Search results or the viewer's mentions, newest first; clicking one opens its
 * conversation at that message.
 * @param title what is listed (the query, or "Mentions")
 * @param empty what to say when nothing is listed
 */
export function FoundList(props: { title: string; messages: FoundMessageObject[]; empty: string; t: Translator }) {
  const t = props.t;
  return (
    <section class="found-list" aria-label={props.title}>
      <header class="found-header">
        <h3>{props.title}</h3>
        <button
          type="button"
          class="icon-button found-close"
          hx-get="/ui/search"
          hx-target="#found"
          hx-swap="innerHTML swapEmpty:true"
          aria-label={t("ui.cancel")}
          title={t("ui.cancel")}
        >
          ✕
        </button>
      </header>
      {props.messages.length === 0 ? <p class="empty-note">{props.empty}</p> : (
        <ul>
          {props.messages.map((m) => <FoundItem message={m} t={t} />)}
        </ul>
      )}
    </section>
  );
}
