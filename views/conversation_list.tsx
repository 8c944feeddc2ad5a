import type { ConversationObject, MessageObject, SystemFacts } from "../chat/objects.ts";
import type { MessageKey, Translator } from "../i18n/mod.ts";
import { previewText } from "./format.tsx";
import { Icon } from "./icons.tsx";

/** A capped unread count for display. */
export function unreadLabel(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** The unread badge of one conversation; pushes replace it by id. */
export function UnreadBadge(props: { conversationId: string; count: number; t: Translator }) {
  return (
    <span
      id={`unread-${props.conversationId}`}
      class={props.count > 0 ? "badge" : "badge empty"}
      data-count={props.count}
      aria-label={props.count > 0 ? props.t("ui.unread_count", { count: props.count }) : undefined}
    >
      {props.count > 0 ? unreadLabel(props.count) : ""}
    </span>
  );
}

/** The `@` of a conversation with unread mentions of the viewer; pushes replace it by id. */
/** Replaces a conversation's unread badge wherever it shows (a read, a pushed event). */
export function UnreadBadgeUpdate(props: { conversationId: string; count: number; t: Translator }) {
  return (
    <hx-partial hx-target={`#unread-${props.conversationId}`} hx-swap="outerHTML">
      <UnreadBadge {...props} />
    </hx-partial>
  );
}

/** Replaces a conversation's `@` badge wherever it shows (a read, a pushed event). */
export function MentionBadgeUpdate(props: { conversationId: string; count: number; t: Translator }) {
  return (
    <hx-partial hx-target={`#mentions-${props.conversationId}`} hx-swap="outerHTML">
      <MentionBadge {...props} />
    </hx-partial>
  );
}

export function MentionBadge(props: { conversationId: string; count: number; t: Translator }) {
  const label = props.count > 0 ? props.t("ui.unread_mentions", { count: props.count }) : undefined;
  return (
    <span
      id={`mentions-${props.conversationId}`}
      class={props.count > 0 ? "mention-badge" : "mention-badge empty"}
      data-count={props.count}
      aria-label={label}
      title={label}
    >
      {props.count > 0 ? "@" : ""}
    </span>
  );
}

/** The viewer's total unread count; the page script mirrors it into the tab title. */
export function UnreadTotal(props: { count: number; t: Translator }) {
  return (
    <span
      id="unread-total"
      class={props.count > 0 ? "badge total" : "badge total empty"}
      data-count={props.count}
      aria-label={props.t("ui.unread_count", { count: props.count })}
    >
      {props.count > 0 ? unreadLabel(props.count) : ""}
    </span>
  );
}

/** A row's one-line preview: the sender's name (shown in groups only, by the stylesheet) and the text. */
export interface Preview {
  sender?: string;
  text: string;
}

/** The inside of a row's preview; pushes for an edited or deleted last message replace just this. */
export function PreviewText(props: { preview: Preview }) {
  const p = props.preview;
  return (
    <>
      {p.sender ? <span class="conv-sender">{`${p.sender}: `}</span> : null}
      {p.text}
    </>
  );
}

/**
 * Preview and time of a row's latest activity. `data-order` names the message the preview
 * shows, so an edit or delete of that message can find it.
 */
export function ConversationMeta(props: { conversationId: string; orderKey: string; preview: Preview; when: string }) {
  return (
    <span class="conv-meta" id={`conv-meta-${props.conversationId}`} data-order={props.orderKey}>
      <span class="conv-preview">
        <PreviewText preview={props.preview} />
      </span>
      <time datetime={props.when} data-format="short">{props.when.slice(11, 16)}</time>
    </span>
  );
}

/**
 * The preview of a message. The sender is always named: the markup is the same for direct
 * and group rows (so a push renders once), and the stylesheet hides it in direct ones.
 */
export function messagePreview(m: MessageObject, t: Translator): Preview {
  if (m.is_deleted) return { text: t("ui.message_deleted") };
  if (m.system) return { text: systemText(m.system, t) ?? previewText(m.content) };
  const text = m.content || (m.attachments[0] ? m.attachments[0].filename : "");
  return { sender: m.sender_name ?? undefined, text: previewText(text) };
}

/** What the system messages that are worded per reader say, by action. */
export const SYSTEM_TEXTS = {
  joined: "system.joined",
  left: "system.left",
  added: "system.added",
  removed: "system.removed",
  renamed: "system.renamed",
} as const satisfies Record<string, MessageKey>;

/** A system message in the reader's language; undefined for one worded when it was written. */
export function systemText(facts: SystemFacts, t: Translator): string | undefined {
  const key = SYSTEM_TEXTS[facts.action as keyof typeof SYSTEM_TEXTS];
  return key && t(key, { name: facts.name ?? "", title: facts.title ?? "" });
}

/** The selector of a row's preview while it still shows the given message. */
export function previewOf(conversationId: string, messageId: string): string {
  return `#conv-meta-${conversationId}[data-order="${messageId}"] .conv-preview`;
}

function preview(c: ConversationObject, t: Translator): Preview {
  return c.last_message ? messagePreview(c.last_message, t) : { text: c.topic ?? "" };
}

const FLAG_BUTTONS = {
  mute: { label: "ui.mute", icon: "mute" },
  unmute: { label: "ui.unmute", icon: "unmute" },
  archive: { label: "ui.archive", icon: "archive" },
  unarchive: { label: "ui.unarchive", icon: "unarchive" },
} as const;

/** A row's button that sets one of the viewer's flags; the answer replaces the row (an archived one leaves). */
function FlagButton(props: { conversationId: string; flag: keyof typeof FLAG_BUTTONS; t: Translator }) {
  const { label, icon } = FLAG_BUTTONS[props.flag];
  return (
    <button
      type="button"
      class="icon-button"
      hx-post={`/ui/conversations/${props.conversationId}/${props.flag}`}
      hx-target={`#conv-${props.conversationId}`}
      hx-swap="outerHTML"
      title={props.t(label)}
      aria-label={props.t(label)}
    >
      <Icon name={icon} />
    </button>
  );
}

/** One row of the conversation list, as the given viewer sees it (title, unread, flags). */
export function ConversationRow(props: { conversation: ConversationObject; t: Translator }) {
  const c = props.conversation;
  const t = props.t;
  const when = c.last_message?.created_at ?? c.updated_at;
  return (
    <li
      id={`conv-${c.id}`}
      class={`conv-row kind-${c.kind}${c.is_muted ? " muted" : ""}`}
      data-conversation-id={c.id}
      data-muted={c.is_muted ? "true" : "false"}
    >
      <a
        class="conv-link"
        href={`/c/${c.id}`}
        hx-get={`/ui/conversations/${c.id}`}
        hx-target="#pane"
        hx-push-url={`/c/${c.id}`}
      >
        <span class="avatar" aria-hidden="true">{c.is_group ? "#" : (c.title[0] ?? "?").toUpperCase()}</span>
        <span class="conv-main">
          <span class="conv-title">{c.title}</span>
          <ConversationMeta
            conversationId={c.id}
            orderKey={c.last_message?.id ?? c.id}
            preview={preview(c, t)}
            when={when}
          />
        </span>
        <span class="conv-side">
          <MentionBadge conversationId={c.id} count={c.unread_mentions} t={t} />
          {c.is_muted ? <Icon name="unmute" label={t("ui.muted")} /> : null}
          <UnreadBadge conversationId={c.id} count={c.unread_count} t={t} />
        </span>
      </a>
      <span class="conv-actions">
        <FlagButton conversationId={c.id} flag={c.is_muted ? "unmute" : "mute"} t={t} />
        <FlagButton conversationId={c.id} flag={c.is_archived ? "unarchive" : "archive"} t={t} />
      </span>
    </li>
  );
}

/**
 * A row pushed to the top of the list it belongs in (active or archived, when the page
 * shows that one), leaving its old place: the list stays in the server's order, newest
 * activity first, and a conversation older than the loaded pages comes in.
 */
export function ConversationRowOnTop(props: { conversation: ConversationObject; t: Translator }) {
  const c = props.conversation;
  return (
    <>
      <hx-partial hx-target={`#conv-${c.id}`} hx-swap="delete"></hx-partial>
      <hx-partial hx-target={`.conv-list-wrap[data-archived="${c.is_archived}"] > .conv-list`} hx-swap="afterbegin">
        <ConversationRow conversation={c} t={props.t} />
      </hx-partial>
    </>
  );
}

/**
 * Rows of the conversation list, then, when more may follow, a last item that loads the
 * next page in its own place as it scrolls into view. The next page starts after the last
 * row's `updated_at` and id.
 */
export function ConversationRows(
  props: { conversations: ConversationObject[]; t: Translator; archived?: boolean; hasMore: boolean },
) {
  const last = props.conversations.at(-1);
  const next = last && props.hasMore
    ? new URLSearchParams({
      ...(props.archived ? { archived: "true" } : {}),
      before: last.updated_at,
      before_id: last.id,
    })
    : null;
  return (
    <>
      {props.conversations.map((c) => <ConversationRow conversation={c} t={props.t} />)}
      {next
        ? (
          <li
            class="conv-more"
            aria-hidden="true"
            hx-get={`/ui/conversations?${next}`}
            hx-trigger="intersect once"
            hx-swap="outerHTML"
          >
          </li>
        )
        : null}
    </>
  );
}

/** The conversation list, newest activity first, loading older pages as it scrolls. */
export function ConversationList(
  props: { conversations: ConversationObject[]; t: Translator; archived?: boolean; hasMore: boolean },
) {
  const t = props.t;
  return (
    <div class="conv-list-wrap" data-archived={props.archived ? "true" : "false"}>
      <ul id="conv-list" class="conv-list" aria-label={t("ui.chats")}>
        <ConversationRows conversations={props.conversations} t={t} archived={props.archived} hasMore={props.hasMore} />
      </ul>
      {props.conversations.length === 0
        ? <p class="empty-note">{props.archived ? t("ui.no_archived") : t("ui.no_conversations")}</p>
        : null}
      <button
        type="button"
        class="link-button"
        hx-get={props.archived ? "/ui/conversations" : "/ui/conversations?archived=true"}
        hx-target="closest .conv-list-wrap"
        hx-swap="outerHTML"
      >
        {props.archived ? t("ui.show_active") : t("ui.show_archived")}
      </button>
    </div>
  );
}
