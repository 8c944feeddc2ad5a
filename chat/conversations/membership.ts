import type { Conversation, Participant } from "../../db/schema/mod.ts";
import { findConversation } from "../../db/conversations.ts";
import {
  findMembership,
  listMembers,
  markLeft,
  setMemberFlags,
  setMemberRole,
  upsertMembers,
} from "../../db/participants.ts";
import { findUser, findUsers } from "../../db/users.ts";
import type { Tx } from "../../db/client.ts";
import type { ConversationObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import { isUuid } from "../../db/ids.ts";
import { commitChange, type RecordEvent } from "../changes.ts";
import { canManage, requireMember, requireVisible } from "../access.ts";
import { conversationObjects } from "./object.ts";
import { recordMembershipChange } from "../messages/system.ts";
import { actionAllowance } from "../settings.ts";

/**
 * Adds people to a group or channel (its owners and admins). People already in it are skipped;
 * each one added counts against the adder's per-minute limit, and a request that would pass it
 * adds no one (429).
 */
export async function addParticipants(
  scope: TenantScope,
  conversationId: string,
  userIds: string[],
  deps: ChatDeps,
): Promise<ConversationObject> {
  const { conversation, participant } = await requireMember(scope, conversationId);
  if (conversation.kind === "direct") throw badRequest("Cannot add people to a direct conversation");
  if (!canManage(scope, participant)) throw forbidden("Only the conversation's owners and admins can add people");
  const ids = [...new Set(userIds)];
  if (ids.some((id) => !isUuid(id))) throw badRequest("Cannot add participants: user_ids holds an invalid id");
  const users = await findUsers(scope, ids);
  if (users.length !== ids.length || users.some((u) => !u.isActive)) throw notFound("Participant");
  const spend = await actionAllowance(scope, "participant_adds", deps);
  const now = new Date(deps.now());
  return await commitChange(scope, async (tx, record) => {
    const current = new Set((await listMembers(scope, [conversation.id], tx)).map((m) => m.user.id));
    const added = users.filter((u) => !current.has(u.id));
    spend(added.length);
    await upsertMembers(
      scope,
      conversation.id,
      added.map((u) => ({ userId: u.id, role: "member" as const })),
      { now, lastMessageId: conversation.lastMessageId },
      tx,
    );
    for (const user of added) {
      await record({
        type: "participant_added",
        conversationId: conversation.id,
        userId: user.id,
        data: { conversation_id: conversation.id, user_id: user.id },
      });
      await recordMembershipChange(
        scope,
        conversation,
        {
          action: "added",
          userId: user.id,
          name: user.name,
          at: now,
        },
        tx,
        record,
      );
    }
    return await currentView(scope, conversation.id, deps, tx);
  });
}

/** Removes someone from a group or channel; removing yourself is leaving. */
export async function removeParticipant(
  scope: TenantScope,
  conversationId: string,
  userId: string,
  deps: ChatDeps,
): Promise<void> {
  if (userId === scope.userId) return await leaveConversation(scope, conversationId, deps);
  const { conversation, participant } = await requireMember(scope, conversationId);
  if (conversation.kind === "direct") throw badRequest("Cannot remove people from a direct conversation");
  if (!canManage(scope, participant)) throw forbidden("Only the conversation's owners and admins can remove people");
  const target = isUuid(userId) ? await findMembership(scope, conversation.id, userId) : undefined;
  if (!target) throw notFound("Participant");
  if (target.role === "owner" && participant.role !== "owner" && scope.role !== "admin") {
    throw forbidden("Only an owner can remove an owner");
  }
  await commitChange(scope, (tx, record) => departure(scope, conversation, target, "removed", deps, tx, record));
}

/**
 * Leaves a group or channel, whatever the caller's role. When the last owner leaves, the
 * longest-standing conversation admin (else member) who is not a guest becomes owner.
 */
export async function leaveConversation(scope: TenantScope, conversationId: string, deps: ChatDeps): Promise<void> {
  const { conversation, participant } = await requireMember(scope, conversationId);
  if (conversation.kind === "direct") throw badRequest("Cannot leave a direct conversation; archive it instead");
  await commitChange(scope, (tx, record) => departure(scope, conversation, participant, "left", deps, tx, record));
}

/** Joins a channel (not for guests: channels they were not added to do not exist for them). */
export async function joinChannel(
  scope: TenantScope,
  conversationId: string,
  deps: ChatDeps,
): Promise<ConversationObject> {
  const { conversation, participant } = await requireVisible(scope, conversationId);
  if (participant) return await currentView(scope, conversation.id, deps);
  if (conversation.kind !== "channel") throw notFound("Conversation");
  return await joinConversation(scope, conversation.id, deps);
}

/**
 * Adds the caller to a conversation as a member (a channel they join, a context room they
 * open), announcing it like any added participant. Callers decide whether they may.
 */
export async function joinConversation(
  scope: TenantScope,
  conversationId: string,
  deps: ChatDeps,
): Promise<ConversationObject> {
  const conversation = await findConversation(scope, conversationId);
  if (!conversation) throw notFound("Conversation");
  const now = new Date(deps.now());
  return await commitChange(scope, async (tx, record) => {
    await upsertMembers(scope, conversation.id, [{ userId: scope.userId, role: "member" }], {
      now,
      lastMessageId: conversation.lastMessageId,
    }, tx);
    await record({
      type: "participant_added",
      conversationId: conversation.id,
      userId: scope.userId,
      data: { conversation_id: conversation.id, user_id: scope.userId },
    });
    const me = await findUser(scope, scope.userId, tx);
    await recordMembershipChange(
      scope,
      conversation,
      {
        action: "joined",
        userId: scope.userId,
        name: me?.name,
        at: now,
      },
      tx,
      record,
    );
    return await currentView(scope, conversation.id, deps, tx);
  });
}

/** Sets the caller's own archived or muted flag for a conversation. */
export async function setConversationFlag(
  scope: TenantScope,
  conversationId: string,
  flag: { isArchived: boolean } | { isMuted: boolean },
): Promise<void> {
  const { participant } = await requireMember(scope, conversationId);
  await scope.db.transaction((tx) => setMemberFlags(scope, participant.id, flag, tx));
}

async function departure(
  scope: TenantScope,
  conversation: Conversation,
  leaving: Participant,
  action: "left" | "removed",
  deps: ChatDeps,
  tx: Tx,
  record: RecordEvent,
): Promise<void> {
  const now = new Date(deps.now());
  const members = await listMembers(scope, [conversation.id], tx);
  const rest = members.filter((m) => m.user.id !== leaving.userId);
  // Ownership passes to the longest-standing conversation admin, else member, never to a guest:
  // an owner adds people, and a guest may not even see the workspace's people. With only
  // guests left the conversation has no owner, and tenant admins still manage it.
  const heirs = rest.filter((m) => m.user.role !== "guest");
  if (leaving.role === "owner" && !rest.some((m) => m.participant.role === "owner") && heirs.length > 0) {
    const heir = heirs.find((m) => m.participant.role === "admin") ?? heirs[0];
    await setMemberRole(scope, heir.participant.id, "owner", tx);
  }
  await recordMembershipChange(
    scope,
    conversation,
    {
      action,
      userId: leaving.userId,
      name: members.find((m) => m.user.id === leaving.userId)?.user.name,
      at: now,
    },
    tx,
    record,
  );
  await markLeft(scope, conversation.id, leaving.userId, now, tx);
  // routed to the conversation's remaining members and, through userId, to the one who left
  await record({
    type: "participant_removed",
    conversationId: conversation.id,
    userId: leaving.userId,
    data: { conversation_id: conversation.id, user_id: leaving.userId },
  });
}

async function currentView(
  scope: TenantScope,
  conversationId: string,
  deps: Pick<ChatDeps, "presence">,
  tx?: Tx,
): Promise<ConversationObject> {
  const conversation = await findConversation(scope, conversationId, tx);
  if (!conversation) throw notFound("Conversation");
  const [object] = await conversationObjects(scope, scope.userId, [conversation], deps, tx);
  return object;
}
