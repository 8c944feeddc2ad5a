import { deleteReaction, insertReaction, listReactionsFor } from "../../db/reactions.ts";
import type { MessageObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest, conflict } from "../errors.ts";
import { commitChange } from "../changes.ts";
import { limitAction } from "../settings.ts";
import { requireVisibleMessage } from "./changes.ts";
import { reactionObjects } from "./object.ts";
import { findMessage } from "../../db/messages.ts";
import { listMembers } from "../../db/participants.ts";
import { messageObjects } from "./object.ts";

// one emoji (with modifiers, joiners and flags) or a :short_code:
const EMOJI =
  /^(?:[\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Regional_Indicator}\p{Emoji_Modifier}\u200d\ufe0f\u20e3#*0-9]{1,16}|:[a-z0-9_+-]{1,30}:)$/u;

/** True for an acceptable reaction: an emoji or a `:short_code:`. */
export function isValidEmoji(value: string): boolean {
  return EMOJI.test(value) && /[^\d#*]/u.test(value);
}

/** Adds the caller's reaction to a message; `changed` is false when it was already there. */
export function addReaction(scope: TenantScope, messageId: string, emoji: string, deps: ChatDeps) {
  return react(scope, messageId, emoji, true, deps);
}

/** Removes the caller's reaction; `changed` is false when there was none. */
export function removeReaction(scope: TenantScope, messageId: string, emoji: string, deps: ChatDeps) {
  return react(scope, messageId, emoji, false, deps);
}

/** Adds the reaction if the caller has not reacted so, removes it otherwise. */
export async function toggleReaction(scope: TenantScope, messageId: string, emoji: string, deps: ChatDeps) {
  const { message } = await requireVisibleMessage(scope, messageId);
  const mine = (await listReactionsFor(scope, [message.id]))
    .some((r) => r.userId === scope.userId && r.emoji === emoji);
  return await react(scope, messageId, emoji, !mine, deps);
}

async function react(
  scope: TenantScope,
  messageId: string,
  emoji: string,
  add: boolean,
  deps: ChatDeps,
): Promise<{ message: MessageObject; changed: boolean }> {
  if (!isValidEmoji(emoji)) throw badRequest("Cannot react: emoji is not an emoji or :short_code:");
  const { message, conversation } = await requireVisibleMessage(scope, messageId);
  if (message.deletedAt) throw conflict("Cannot react: the message was deleted");
  // adding and removing alike: each one is an event to every member
  await limitAction(scope, "reactions", deps);
  const key = { messageId: message.id, userId: scope.userId, emoji };
  const at = new Date(deps.now());
  return await commitChange(scope, async (tx, record) => {
    const changed = add ? await insertReaction(scope, { ...key, at }, tx) : await deleteReaction(scope, key, tx);
    const current = await findMessage(scope, message.id, tx) ?? message;
    const [object] = await messageObjects(scope, [current], await listMembers(scope, [conversation.id], tx), tx);
    if (changed) {
      await record({
        type: "reaction",
        conversationId: conversation.id,
        data: {
          conversation_id: conversation.id,
          message_id: message.id,
          reactions: reactionObjects(await listReactionsFor(scope, [message.id], tx)),
        },
      });
    }
    return { message: object, changed };
  });
}
