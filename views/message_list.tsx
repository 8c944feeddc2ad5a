import type { ConversationObject, MessageObject } from "../chat/objects.ts";
import type { ReadMark } from "../chat/conversations/unread.ts";
import type { Translator } from "../i18n/mod.ts";
import { MessageItem, MessageUpsert, type QuotedParent } from "./message_item.tsx";
import { Composer, UnsentTemplate } from "./composer.tsx";
import { PresenceDot } from "./people_list.tsx";
import { GroupManageMenu } from "./group_manage.tsx";
import { Icon } from "./icons.tsx";

/** The watermark inside a read mark; a `read` push replaces just this element. */
export function ReadWatermark(props: { conversationId: string; userId: string; lastReadId: string | null }) {
  return <i id={`read-${props.conversationId}-${props.userId}`} data-read={props.lastReadId ?? ""}></i>;
}

/** One member's read mark: who (name) and how far they have read; the page script derives ticks and "seen by". */
export function ReadMarkItem(props: { conversationId: string; mark: ReadMark }) {
  const m = props.mark;
  return (
    <li
      id={`read-mark-${props.conversationId}-${m.userId}`}
      class="read-mark"
      data-user-id={m.userId}
      data-name={m.name}
    >
      <ReadWatermark conversationId={props.conversationId} userId={m.userId} lastReadId={m.lastReadId} />
    </li>
  );
}

/**
 * Marker above the oldest loaded message; the page before it loads when it scrolls into
 * view. The URL's anchor is that message: htmx shows it at the top once the older page is
 * in, so the reader stays where they were.
 */
export function OlderLoader(props: { conversationId: string; beforeId: string }) {
  return (
    <div
      class="load-older"
      hx-get={`/ui/conversations/${props.conversationId}/messages?before_id=${props.beforeId}#message-${props.beforeId}`}
      hx-trigger="intersect once"
      // the last page brings no marker: the swap runs empty and removes this one
      hx-swap="outerHTML swapEmpty:true"
    >
    </div>
  );
}

/**
 * Marker below the newest loaded message of a conversation opened at an older one; the page
 * after it loads when it scrolls into view.
 */
export function NewerLoader(props: { conversationId: string; sinceId: string }) {
  return (
    <div
      class="load-newer"
      hx-get={`/ui/conversations/${props.conversationId}/messages?since_id=${props.sinceId}`}
      hx-trigger="intersect once"
      hx-swap="outerHTML swapEmpty:true"
    >
    </div>
  );
}

/**
 * A page of messages as one swap: the next loader in place of the old one (older pages, or
 * with `newer` the pages after), items upserted by id.
 */
export function MessagePage(
  props: {
    conversationId: string;
    messages: MessageObject[];
    hasMore: boolean;
    newer?: boolean;
    parents: Map<string, QuotedParent>;
  },
) {
  const [first, last] = [props.messages[0], props.messages.at(-1)];
  return (
    <>
      {props.hasMore && props.newer && last
        ? <NewerLoader conversationId={props.conversationId} sinceId={last.id} />
        : null}
      {props.hasMore && !props.newer && first
        ? <OlderLoader conversationId={props.conversationId} beforeId={first.id} />
        : null}
      <MessageUpsert conversationId={props.conversationId}>
        {props.messages.map((m) => (
          <MessageItem message={m} parent={m.parent_id ? props.parents.get(m.parent_id) : undefined} />
        ))}
      </MessageUpsert>
    </>
  );
}

/** Typing indicator slot; a push fills it and a CSS animation fades it after five seconds. */
export function TypingSlot(props: { conversationId: string; text?: string }) {
  return (
    <p id={`typing-${props.conversationId}`} class={props.text ? "typing active" : "typing"}>
      {props.text ?? ""}
    </p>
  );
}

export interface ConversationPaneProps {
  conversation: ConversationObject;
  messages: MessageObject[];
  hasMore: boolean;
  /** Opened at an older message: newer pages load below as the viewer scrolls down. */
  hasNewer?: boolean;
  /** The message the pane was opened at: shown and highlighted. */
  focusId?: string;
  parents: Map<string, QuotedParent>;
  /** The viewer's read watermark before this visit: the "new messages" divider goes above what came after it. */
  lastReadId: string | null;
  readMarks: ReadMark[];
  viewerId: string;
  t: Translator;
  /** The largest file the composer takes, in MB: bigger ones are refused before sending. */
  maxUploadMb?: number;
}

/** The open conversation: header, messages, typing, read marks and composer. */
export function ConversationPane(props: ConversationPaneProps) {
  const c = props.conversation;
  const t = props.t;
  const [first, last] = [props.messages[0], props.messages.at(-1)];
  const other = c.kind === "direct" ? c.participants.find((p) => p.id !== props.viewerId) : undefined;
  const lastRead = props.lastReadId;
  const firstNew = lastRead === null
    ? undefined
    : props.messages.find((m) => m.id > lastRead && m.sender_id !== props.viewerId && m.kind !== "system");
  return (
    <section
      id={`conversation-${c.id}`}
      class={`conversation kind-${c.kind}`}
      data-conversation-id={c.id}
      data-kind={c.kind}
      data-new-from={firstNew ? `message-${firstNew.id}` : ""}
      data-focus={props.focusId ? `message-${props.focusId}` : ""}
      data-muted={c.is_muted ? "true" : "false"}
      data-title={c.title}
      aria-label={c.title}
    >
      <header class="pane-header">
        <a class="icon-button back-button" href="/" aria-label={t("ui.back")} title={t("ui.back")}>
          <Icon name="back" />
        </a>
        <div class="pane-title">
          <h2>{c.title}</h2>
          <p class="pane-sub">
            {other
              ? (
                <>
                  <PresenceDot userId={other.id} online={other.is_online} lastSeen={null} />
                  <span class="person-status" data-presence-of={other.id}></span>
                </>
              )
              : t("ui.member_count", { count: c.participants.length })}
          </p>
        </div>
        {c.kind === "group" || c.kind === "channel" ? <GroupManageMenu conversationId={c.id} t={t} /> : null}
      </header>
      <div class="message-scroller" id={`scroller-${c.id}`} tabindex={-1}>
        {props.hasMore && first ? <OlderLoader conversationId={c.id} beforeId={first.id} /> : null}
        {/* marked read a moment after a message from someone else shows (the page script signals it) */}
        <div
          class="message-list"
          id={`messages-${c.id}`}
          role="log"
          aria-label={t("ui.messages")}
          hx-post={`/ui/conversations/${c.id}/read`}
          hx-trigger="parley:read delay:300ms"
          hx-swap="none"
        >
          {props.messages.map((m) => (
            <MessageItem message={m} parent={m.parent_id ? props.parents.get(m.parent_id) : undefined} />
          ))}
        </div>
        {props.hasNewer && last ? <NewerLoader conversationId={c.id} sinceId={last.id} /> : null}
        <div class="unsent-list" id={`unsent-${c.id}`}></div>
        {props.messages.length === 0 ? <p class="empty-note">{t("ui.no_messages")}</p> : null}
        <span id={`end-${c.id}`}></span>
      </div>
      {/* shown while newer messages are out of view; the scroller follows the link to its end */}
      <a class="jump-latest" href={`#end-${c.id}`} data-count="0" hidden>
        {t("ui.jump_to_latest")} <span class="jump-count badge"></span> <Icon name="down" />
      </a>
      <p class="seen-by" id={`seen-${c.id}`}></p>
      <TypingSlot conversationId={c.id} />
      <ul class="read-marks" id={`read-marks-${c.id}`} hidden>
        {props.readMarks.map((m) => <ReadMarkItem conversationId={c.id} mark={m} />)}
      </ul>
      <Composer conversationId={c.id} t={t} maxUploadMb={props.maxUploadMb} />
      <UnsentTemplate conversationId={c.id} t={t} />
    </section>
  );
}

/** What the pane shows before a conversation is chosen. */
export function EmptyPane(props: { t: Translator }) {
  return (
    <section class="conversation empty">
      <p class="empty-note">{props.t("ui.pick_conversation")}</p>
    </section>
  );
}
