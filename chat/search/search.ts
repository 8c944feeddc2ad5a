import { searchMessageIds } from "../../db/search.ts";
import { listConversationIdsOf } from "../../db/participants.ts";
import type { FoundMessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { isUuid } from "../../db/ids.ts";
import { DEFAULT_PAGE } from "../messages/messages.ts";
import { foundMessages } from "../messages/found.ts";
import { searchTerms } from "./query.ts";
import { highlightHtml, MATCH_CLOSE, MATCH_OPEN } from "./highlight.ts";
import { indexNow } from "./indexer.ts";

/** Beyond this many conversations a search is not narrowed inside the index (the join still restricts it). */
const MAX_LISTED_CONVERSATIONS = 500;

/** What a search asks for; every filter is optional and they combine. */
export interface SearchInput {
  q: string;
  conversationId?: string;
  senderId?: string;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  /** Epoch milliseconds, exclusive. */
  to?: number;
  hasFile?: boolean;
  beforeId?: string;
  limit?: number;
}

/**
 * Full-text search over the messages of the conversations the caller is in now, newest
 * first, each with its conversation's title and a highlighted excerpt. Whole words and
 * prefixes match, ignoring case and diacritics; text without word boundaries (CJK) matches
 * by substrings of three or more characters. A conversation filter naming one the caller
 * is not in finds nothing, as does a query with nothing searchable in it.
 * @param scope the caller
 * @param input the query and filters (already validated)
 */
export async function searchMessages(scope: TenantScope, input: SearchInput): Promise<FoundMessageObject[]> {
  const terms = searchTerms(input.q);
  if (!terms) return [];
  for (const id of [input.conversationId, input.senderId, input.beforeId]) {
    if (id !== undefined && !isUuid(id)) return [];
  }
  let conversationIds: string[] | null = await listConversationIdsOf(scope, scope.userId);
  if (input.conversationId !== undefined) {
    if (!conversationIds.includes(input.conversationId)) return [];
    conversationIds = [input.conversationId];
  }
  if (conversationIds.length === 0) return [];
  if (conversationIds.length > MAX_LISTED_CONVERSATIONS) conversationIds = null;
  // messages sent in the last moments may not be indexed yet
  await indexNow(scope.db);
  const found = await searchMessageIds(scope, {
    ...terms,
    userId: scope.userId,
    conversationIds,
    senderId: input.senderId,
    from: input.from,
    to: input.to,
    hasFile: input.hasFile,
    beforeId: input.beforeId,
    limit: input.limit ?? DEFAULT_PAGE,
  }, { open: MATCH_OPEN, close: MATCH_CLOSE });
  const highlights = new Map(found.map((f) => [f.id, highlightHtml(f.marked)]));
  const messages = await foundMessages(scope, found.map((f) => f.id));
  return messages.map((m) => ({ ...m, highlight: highlights.get(m.id) ?? "" }));
}
