import type { DbOrTx } from "../db/client.ts";
import type { Conversation, Participant } from "../db/schema/mod.ts";
import { findConversation } from "../db/conversations.ts";
import { coMemberIds, findMembership } from "../db/participants.ts";
import { isUuid } from "../db/ids.ts";
import { notFound } from "./errors.ts";
import type { TenantScope } from "./tenancy.ts";

/** A conversation together with the caller's current membership. */
export interface Membership {
  conversation: Conversation;
  participant: Participant;
}

/**
 * The conversation if the caller currently takes part in it. Anything else, including
 * another tenant's id or a malformed one, is 404: existence is never revealed.
 */
export async function requireMember(
  scope: TenantScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<Membership> {
  const conversation = isUuid(conversationId) ? await findConversation(scope, conversationId, db) : undefined;
  const participant = conversation ? await findMembership(scope, conversation.id, scope.userId, db) : undefined;
  if (!conversation || !participant) throw notFound("Conversation");
  return { conversation, participant };
}

/**
 * A conversation the caller may look at: one they are in, or a channel when they are not a
 * guest (channels are open to the whole tenant; guests see only what they were added to).
 */
export async function requireVisible(
  scope: TenantScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<{ conversation: Conversation; participant: Participant | undefined }> {
  const conversation = isUuid(conversationId) ? await findConversation(scope, conversationId, db) : undefined;
  if (!conversation) throw notFound("Conversation");
  const participant = await findMembership(scope, conversation.id, scope.userId, db);
  if (!participant && !(conversation.kind === "channel" && scope.role !== "guest")) throw notFound("Conversation");
  return { conversation, participant };
}

/** The people a caller may see: everyone for members and admins, co-members only for guests (null = everyone). */
export async function visiblePeople(scope: TenantScope, db: DbOrTx = scope.db): Promise<Set<string> | null> {
  return scope.role === "guest" ? await coMemberIds(scope, scope.userId, db) : null;
}

/** True when the caller may manage members and the title: a conversation owner or admin, or a tenant admin. */
export function canManage(scope: TenantScope, participant: Participant): boolean {
  return participant.role === "owner" || participant.role === "admin" || scope.role === "admin";
}
