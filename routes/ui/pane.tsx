import type { Context } from "hono";
import { getConversation } from "../../chat/conversations/conversations.ts";
import { listMessages } from "../../chat/messages/messages.ts";
import { getMessage } from "../../chat/messages/changes.ts";
import { markRead } from "../../chat/conversations/read_state.ts";
import type { MessageObject } from "../../chat/objects.ts";
import type { TenantScope } from "../../chat/tenancy.ts";
import { readMarksOf } from "../../chat/conversations/unread.ts";
import { ConversationPane } from "../../views/message_list.tsx";
import { MessageItem, type QuotedParent } from "../../views/message_item.tsx";
import type { AppEnv } from "../../server/env.ts";
import { fromWidget } from "./middleware.ts";

export const PAGE_SIZE = 40;

/**
 * Quotes for the replies among `messages`: a parent on the same page is taken from it, the
 * others are read (one the viewer may no longer see is left out).
 */
export async function parentsOf(scope: TenantScope, messages: MessageObject[]): Promise<Map<string, QuotedParent>> {
  const parents = new Map<string, QuotedParent>(messages.map((m) => [m.id, m]));
  const missing = new Set(messages.flatMap((m) => m.parent_id && !parents.has(m.parent_id) ? [m.parent_id] : []));
  for (const parent of await Promise.all([...missing].map((id) => getMessage(scope, id).catch(() => undefined)))) {
    if (parent) parents.set(parent.id, parent);
  }
  return parents;
}

/** One message as a fragment of its own (a send, edit or delete answer), quoting its parent. */
export async function messageFragment(scope: TenantScope, message: MessageObject) {
  const parent = message.parent_id ? (await parentsOf(scope, [message])).get(message.parent_id) : undefined;
  return <MessageItem message={message} parent={parent} />;
}

/** Where an open conversation starts: at its newest messages, or centred on one (a search result, a mention). */
export interface PaneOptions {
  aroundId?: string;
}

/**
 * Loads and renders an open conversation. The viewer's read watermark is taken before the
 * visit marks everything read (a page visit; not the widget's), so the "new messages" divider lands where they left off.
 * Opened at a message, it is read up to the page shown, and newer pages load as the viewer
 * scrolls down.
 */
export async function loadPane(c: Context<AppEnv>, conversationId: string, options: PaneOptions = {}) {
  const { scope, deps } = c.var;
  const conversation = await getConversation(scope, conversationId, deps);
  const [messages, readMarks] = await Promise.all([
    listMessages(scope, conversation.id, { aroundId: options.aroundId, limit: PAGE_SIZE }),
    readMarksOf(scope, conversation.id),
  ]);
  const lastReadId = readMarks.find((m) => m.userId === scope.userId)?.lastReadId ?? null;
  const newest = messages.at(-1);
  // the widget marks read itself, once its panel is open, scrolled to the end and on screen
  if (newest && (lastReadId ?? "") < newest.id && !fromWidget(c)) await markRead(scope, conversation.id, newest.id);
  const latest = conversation.last_message?.id;
  const hasNewer = !!newest && !!latest && newest.id < latest;
  return (
    <ConversationPane
      conversation={{ ...conversation, unread_count: 0 }}
      messages={messages}
      hasMore={messages.length === PAGE_SIZE}
      hasNewer={hasNewer}
      focusId={options.aroundId}
      parents={await parentsOf(scope, messages)}
      lastReadId={lastReadId}
      readMarks={readMarks}
      viewerId={scope.userId}
      t={c.var.t}
      maxUploadMb={deps.config.maxUploadBytes / (1024 * 1024)}
    />
  );
}

/** The pane as an htmx fragment, with the address bar following the open conversation. */
export async function paneResponse(c: Context<AppEnv>, conversationId: string, options: PaneOptions = {}) {
  const pane = await loadPane(c, conversationId, options);
  c.header("HX-Push-Url", `/c/${conversationId}`);
  return c.html(pane);
}
