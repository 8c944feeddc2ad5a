import type { ChatEvent } from "../chat/events.ts";
import { translator } from "../i18n/mod.ts";
import { MessageItem, MessageUpsert, Reactions } from "./message_item.tsx";
import {
  ConversationMeta,
  ConversationRow,
  messagePreview,
  previewOf,
  PreviewText,
  UnreadBadge,
} from "./conversation_list.tsx";
import { ReadWatermark, TypingSlot } from "./message_list.tsx";
import { PresenceDot } from "./people_list.tsx";
import { previewText } from "./format.tsx";
import type { UiVariant } from "../realtime/ui_variant.ts";

/**
 * Renders an event as the HTML of one unnamed SSE message for htmx: partials that update
 * every part of the page showing it (message list, conversation row, badges, read marks,
 * typing, notices). Targets missing from a page are skipped by htmx. A `parley-notice`
 * acts in the page script when it lands (notify, announce, refetch, reload) and leaves.
 * Empty string means "send nothing".
 * @param event the event
 * @param variant from `uiEventVariant`
 */
export function renderUiEvent(event: ChatEvent, variant: UiVariant): string {
  const markup = fragment(event, variant);
  return markup === null ? "" : String(markup);
}

function fragment(event: ChatEvent, v: UiVariant) {
  const t = translator(v.locale);
  switch (event.type) {
    case "message_created": {
      const { conversation_id: cid, message: m } = event.data;
      return (
        <>
          <MessageUpsert conversationId={cid}>
            <MessageItem message={m} />
          </MessageUpsert>
          <hx-partial hx-target={`#conv-meta-${cid}`} hx-swap="outerHTML">
            <ConversationMeta
              conversationId={cid}
              orderKey={m.id}
              updatedAt={m.created_at}
              preview={messagePreview(m, t)}
              when={m.created_at}
            />
          </hx-partial>
          <hx-partial hx-target={`#unread-${cid}`} hx-swap="outerHTML">
            <UnreadBadge conversationId={cid} count={v.unread ?? 0} t={t} />
          </hx-partial>
          <hx-partial hx-target={`#typing-${cid}`} hx-swap="outerHTML">
            <TypingSlot conversationId={cid} />
          </hx-partial>
          <hx-partial hx-target="#notify-slot" hx-swap="beforeend">
            <parley-notice
              data-kind="message"
              data-conversation-id={cid}
              data-message-id={m.id}
              data-author-id={m.sender_id ?? ""}
              data-sender={m.sender_name ?? ""}
              data-preview={m.content ? previewText(m.content, 120) : m.attachments[0]?.filename ?? ""}
              data-muted={v.muted ? "true" : "false"}
              data-mentioned={v.mentioned ? "true" : "false"}
            >
            </parley-notice>
          </hx-partial>
        </>
      );
    }
    case "message_updated": {
      const { conversation_id: cid, message: m } = event.data;
      return (
        <>
          <MessageUpsert conversationId={cid}>
            <MessageItem message={m} />
          </MessageUpsert>
          {/* matches only while the row still previews this message */}
          <hx-partial hx-target={previewOf(cid, m.id)} hx-swap="innerHTML">
            <PreviewText preview={messagePreview(m, t)} />
          </hx-partial>
        </>
      );
    }
    case "message_deleted": {
      const { conversation_id: cid, message_id: id } = event.data;
      // the whole item is replaced by its tombstone, as a reload renders it: files, reactions
      // and the text kept for editing and quoting leave every open page
      return (
        <>
          {v.tombstone
            ? (
              <hx-partial hx-target={`#message-${id}`} hx-swap="outerHTML">
                <MessageItem message={v.tombstone} />
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
            <span class="quote-text" data-i18n="deleted"></span>
          </hx-partial>
          <hx-partial hx-target={previewOf(cid, id)} hx-swap="innerHTML">
            {t("ui.message_deleted")}
          </hx-partial>
          <hx-partial hx-target="#notify-slot" hx-swap="beforeend">
            <parley-notice data-kind="deleted" data-message-id={id}></parley-notice>
          </hx-partial>
        </>
      );
    }
    case "reaction":
      return (
        <hx-partial hx-target={`#reactions-${event.data.message_id}`} hx-swap="outerHTML">
          <Reactions message={{ id: event.data.message_id, reactions: event.data.reactions, is_deleted: false }} />
        </hx-partial>
      );
    case "typing": {
      if (v.key === "self") return null;
      const cid = event.data.conversation_id;
      return (
        <hx-partial hx-target={`#typing-${cid}`} hx-swap="outerHTML">
          <TypingSlot conversationId={cid} text={t("ui.typing", { name: event.data.user_name })} />
        </hx-partial>
      );
    }
    case "read": {
      const { conversation_id: cid, user_id: uid, last_read_message_id: lastRead } = event.data;
      return (
        <>
          <hx-partial hx-target={`#read-${cid}-${uid}`} hx-swap="outerHTML">
            <ReadWatermark conversationId={cid} userId={uid} lastReadId={lastRead} />
          </hx-partial>
          {v.unread !== undefined
            ? (
              <hx-partial hx-target={`#unread-${cid}`} hx-swap="outerHTML">
                <UnreadBadge conversationId={cid} count={v.unread} t={t} />
              </hx-partial>
            )
            : null}
        </>
      );
    }
    case "presence":
      return (
        <hx-partial hx-target={`.presence-${event.data.user_id}`} hx-swap="outerHTML">
          <PresenceDot userId={event.data.user_id} online={event.data.is_online} lastSeen={event.data.last_seen} />
        </hx-partial>
      );
    case "presence_sync":
      return (
        <hx-partial hx-target="#notify-slot" hx-swap="beforeend">
          <parley-notice data-kind="presence-sync"></parley-notice>
        </hx-partial>
      );
    case "conversation_created":
    case "conversation_updated":
    case "participant_added":
      if (!v.conversation) return null;
      // a conversation the viewer archived is updated where it is shown, never added to the list
      return v.conversation.is_archived
        ? (
          <hx-partial hx-target={`#conv-${v.conversation.id}`} hx-swap="outerHTML">
            <ConversationRow conversation={v.conversation} t={t} />
          </hx-partial>
        )
        : (
          <hx-upsert hx-target="#conv-list">
            <ConversationRow conversation={v.conversation} t={t} />
          </hx-upsert>
        );
    case "participant_removed": {
      const cid = event.data.conversation_id;
      return v.key === "self"
        ? (
          <>
            <hx-partial hx-target={`#conv-${cid}`} hx-swap="delete"></hx-partial>
            <hx-partial hx-target={`#conversation-${cid}`} hx-swap="delete"></hx-partial>
          </>
        )
        : <hx-partial hx-target={`#read-mark-${cid}-${event.data.user_id}`} hx-swap="delete"></hx-partial>;
    }
    case "reset":
      return (
        <hx-partial hx-target="#notify-slot" hx-swap="beforeend">
          <parley-notice data-kind="reset"></parley-notice>
        </hx-partial>
      );
    case "connected":
      return null;
  }
}
