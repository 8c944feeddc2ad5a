import type { Child } from "hono/jsx";
import type { MessageObject } from "../chat/objects.ts";
import { formatBytes, formatText, previewText } from "./format.tsx";
import { StreamTail } from "./events/message_delta.tsx";
import { Icon } from "./icons.tsx";

/** The bits of a replied-to message that a quote shows. */
export interface QuotedParent {
  sender_name: string | null;
  content: string;
  is_deleted: boolean;
}

/**
 * THE markup of one message, used by the page, paged fragments, send responses and pushes.
 * It is pure and identical for every viewer and language: "mine", local times and
 * localized labels are filled in by the page script from the data attributes. A reply
 * quotes the parent it is given; without one (a parent the viewer may no longer see) it
 * says that it replies to an earlier message. A streaming bot message pushed with the `seq`
 * its text includes ends in a tail where the following deltas are appended.
 */
export function MessageItem(props: { message: MessageObject; parent?: QuotedParent; streamSeq?: number }) {
  const m = props.message;
  const isBot = m.kind === "bot";
  const classes = ["message", `kind-${m.kind}`, m.is_deleted ? "deleted" : "", isBot ? `bot-${m.status}` : ""]
    .filter(Boolean).join(" ");
  return (
    <article
      id={`message-${m.id}`}
      class={classes}
      // one message of a list is in the tab order at a time; the page script moves it
      tabindex={-1}
      data-message-id={m.id}
      data-order-key={orderKey(m.id)}
      data-conversation-id={m.conversation}
      data-author-id={m.sender_id ?? ""}
      data-status={m.status}
      data-content={m.is_deleted ? undefined : m.content}
    >
      <header class="message-meta">
        <span class="sender">{m.sender_name ?? ""}</span>
        {isBot ? <span class="bot-badge" data-i18n="bot"></span> : null}
        <time datetime={m.created_at}>{m.created_at.slice(11, 16)}</time>
        {m.edited_at && !m.is_deleted ? <span class="edited" data-i18n="edited"></span> : null}
        {isBot ? null : <span class="tick" data-i18n-title={`status_${m.status}`}></span>}
      </header>
      {m.parent_id ? <ReplyQuote parentId={m.parent_id} parent={props.parent} /> : null}
      <div class="message-body" id={`message-body-${m.id}`}>
        {m.is_deleted ? <em class="deleted-text" data-i18n="deleted"></em> : m.system
          ? (
            // worded in the reader's language by the page script
            <span
              class="system-text"
              data-system={m.system.action}
              data-name={m.system.name}
              data-title={m.system.title}
            >
              {m.content}
            </span>
          )
          : formatText(m.content, m)}
        {m.status === "streaming" ? <StreamTail messageId={m.id} seq={props.streamSeq ?? 0} /> : null}
      </div>
      {!m.is_deleted && m.attachments.length > 0
        ? (
          <div class="attachments">
            {m.attachments.map((a) =>
              a.content_type.startsWith("image/")
                ? (
                  <a class="image-preview" href={a.url} target="_blank" rel="noopener">
                    <img src={a.url} alt={a.filename} loading="lazy" />
                  </a>
                )
                : (
                  <a class="file-chip" href={a.url} download={a.filename}>
                    <Icon name="file" />
                    <span class="file-name">{a.filename}</span>
                    <span class="file-size" data-bytes={a.size}>{formatBytes(a.size)}</span>
                  </a>
                )
            )}
          </div>
        )
        : null}
      <Reactions message={m} />
    </article>
  );
}

/** The attribute by which message lists are upserted in order. */
export const ORDER_KEY = "data-order-key";

/**
 * A message id as a decimal number. Upserts place an item by comparing keys with a numeric
 * collation, which misreads hex (…0d95 after …0d9d); as a number, a UUIDv7 sorts in time order.
 */
function orderKey(id: string): string {
  const hex = id.replaceAll("-", "");
  return /^[0-9a-f]{32}$/i.test(hex) ? BigInt(`0x${hex}`).toString().padStart(39, "0") : id;
}

/** Message items upserted into their conversation's list: an id already shown is replaced, a new one goes in order. */
export function MessageUpsert(props: { conversationId: string; children?: Child }) {
  // hono/jsx keeps `key` for itself; HTML attribute names are case-insensitive, so KEY reaches htmx as key
  return <hx-upsert hx-target={`#messages-${props.conversationId}`} KEY={ORDER_KEY}>{props.children}</hx-upsert>;
}

/** Reaction chips; who reacted travels as ids so the script can mark the viewer's own. */
export function Reactions(props: { message: Pick<MessageObject, "id" | "reactions" | "is_deleted"> }) {
  const m = props.message;
  return (
    <div class="reactions" id={`reactions-${m.id}`}>
      {m.is_deleted ? null : m.reactions.map((r) => (
        <button
          type="button"
          class="reaction"
          hx-post={`/ui/messages/${m.id}/react`}
          hx-vals={JSON.stringify({ emoji: r.emoji })}
          hx-target={`#reactions-${m.id}`}
          hx-swap="outerHTML"
          data-user-ids={r.user_ids.join(" ")}
        >
          <span class="emoji">{r.emoji}</span> <span class="count">{r.count}</span>
        </button>
      ))}
    </div>
  );
}

function ReplyQuote(props: { parentId: string; parent?: QuotedParent }) {
  const p = props.parent;
  return (
    <a class="reply-quote" href={`#message-${props.parentId}`} data-parent-id={props.parentId}>
      {p ? <span class="quote-sender">{p.sender_name ?? ""}</span> : null}
      <span class="quote-text" data-i18n={!p ? "reply_to_message" : p.is_deleted ? "deleted" : undefined}>
        {p && !p.is_deleted ? previewText(p.content, 120) : ""}
      </span>
    </a>
  );
}
