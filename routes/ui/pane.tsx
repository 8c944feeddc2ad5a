import type { Context } from "hono";
import { getConversation } from "../../chat/conversations/conversations.ts";
import { listMessages } from "../../chat/messages/messages.ts";
import { markRead } from "../../chat/conversations/read_state.ts";
import type { MessageObject } from "../../chat/objects.ts";
import { readMarksOf } from "../../chat/conversations/unread.ts";
import { ConversationPane } from "../../views/message_list.tsx";
import type { QuotedParent } from "../../views/message_item.tsx";
import type { AppEnv } from "../../server/env.ts";

export const PAGE_SIZE = 40;

/** Quotes for replies whose parent is on the same page; others are filled in by the page script. */
export function parentsOf(messages: MessageObject[]): Map<string, QuotedParent> {
  return new Map(messages.map((m) => [m.id, m]));
}

/**
 * Loads and renders an open conversation. The viewer's read watermark is taken before the
 * visit marks everything read, so the "new messages" divider lands where they left off.
 */
export async function loadPane(c: Context<AppEnv>, conversationId: string) {
  const { scope, deps } = c.var;
  const conversation = await getConversation(scope, conversationId, deps);
  const [messages, readMarks] = await Promise.all([
    listMessages(scope, conversation.id, { limit: PAGE_SIZE }),
    readMarksOf(scope, conversation.id),
  ]);
  const lastReadId = readMarks.find((m) => m.userId === scope.userId)?.lastReadId ?? null;
  const newest = messages.at(-1);
  if (newest && (lastReadId ?? "") < newest.id) await markRead(scope, conversation.id, newest.id);
  return (
    <ConversationPane
      conversation={{ ...conversation, unread_count: 0 }}
      messages={messages}
      hasMore={messages.length === PAGE_SIZE}
      parents={parentsOf(messages)}
      lastReadId={lastReadId}
      readMarks={readMarks}
      viewerId={scope.userId}
      t={c.var.t}
    />
  );
}

/** The pane as an htmx fragment, with the address bar following the open conversation. */
export async function paneResponse(c: Context<AppEnv>, conversationId: string) {
  const pane = await loadPane(c, conversationId);
  c.header("HX-Push-Url", `/c/${conversationId}`);
  return c.html(pane);
}
