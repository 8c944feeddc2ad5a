import { countUnreadMentions, countUnreadMentionsOfMembers, listMentioningMessageIds } from "../../db/mentions.ts";
import type { FoundMessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest } from "../errors.ts";
import { isUuid } from "../../db/ids.ts";
import { DEFAULT_PAGE, MAX_PAGE } from "../messages/messages.ts";
import { foundMessages } from "../messages/found.ts";

/**
 * Messages that mention the caller, or everyone in a conversation they are in, newest
 * first, each with its conversation's title. Only messages the caller may still see:
 * deleted ones, their own and those of conversations they left are not listed.
 * @param page beforeId: older than this message; limit: at most MAX_PAGE (default DEFAULT_PAGE)
 */
export async function listMentions(
  scope: TenantScope,
  page: { beforeId?: string; limit?: number },
): Promise<FoundMessageObject[]> {
  const limit = page.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`Cannot list mentions: limit must be between 1 and ${MAX_PAGE}`);
  }
  if (page.beforeId && !isUuid(page.beforeId)) throw badRequest("Cannot list mentions: before_id is not a message id");
  const ids = await listMentioningMessageIds(scope, scope.userId, {
    beforeId: page.beforeId,
    limit,
    seesChannels: scope.role !== "guest",
  });
  return await foundMessages(scope, ids);
}

/**
 * How many messages after the caller's read watermark in a conversation mention them.
 * @param scope the viewer
 * @param conversationId the conversation (0 when the caller is not in it)
 */
export async function unreadMentionsOf(scope: TenantScope, conversationId: string): Promise<number> {
  return (await countUnreadMentions(scope, scope.userId, [conversationId])).get(conversationId) ?? 0;
}

/**
 * Unread mentions of every member of a conversation, by user id.
 * @param scope the caller (any member; the counts are each member's own)
 * @param conversationId the conversation
 */
export async function unreadMentionsOfMembers(
  scope: TenantScope,
  conversationId: string,
): Promise<Map<string, number>> {
  return await countUnreadMentionsOfMembers(scope, conversationId);
}
