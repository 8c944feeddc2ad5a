import { countUnread, findMessage } from "../../db/messages.ts";
import { advanceRead } from "../../db/participants.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest } from "../errors.ts";
import { isUuid } from "../../db/ids.ts";
import { commitChange } from "../changes.ts";
import { requireMember } from "../access.ts";

/**
 * Moves the caller's read watermark to `upToId` (default: the newest message) and returns
 * how many messages became read. The watermark never moves back.
 */
export async function markRead(scope: TenantScope, conversationId: string, upToId?: string | null): Promise<number> {
  const { conversation, participant } = await requireMember(scope, conversationId);
  let target = conversation.lastMessageId;
  if (upToId) {
    const message = isUuid(upToId) ? await findMessage(scope, upToId) : undefined;
    if (!message || message.conversationId !== conversation.id) {
      throw badRequest("Cannot mark read: up_to_id is not a message of this conversation");
    }
    target = message.id;
  }
  const from = participant.lastReadMessageId;
  if (!target || (from && from >= target)) return 0;
  return await commitChange(scope, async (tx, record) => {
    const count = await countUnread(scope, conversation.id, {
      userId: scope.userId,
      afterId: from,
      upToId: target,
      cap: Number.MAX_SAFE_INTEGER,
    }, tx);
    await advanceRead(scope, participant.id, target, tx);
    await record({
      type: "read",
      conversationId: conversation.id,
      data: { conversation_id: conversation.id, user_id: scope.userId, last_read_message_id: target },
    });
    return count;
  });
}
