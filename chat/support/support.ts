import type { Conversation, ParticipantRole, SupportTicket } from "../../db/schema/mod.ts";
import type { Tx } from "../../db/client.ts";
import { findConversation, findConversationsById } from "../../db/conversations.ts";
import {
  findOpenTicketOf,
  findTicket,
  insertTicket,
  listQueuedTickets,
  moveTicket,
  setTicketMisses,
} from "../../db/support.ts";
import { upsertMembers } from "../../db/participants.ts";
import { findUser, findUsers } from "../../db/users.ts";
import { isUuid, uuidv7 } from "../../db/ids.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { commitChange, type RecordEvent } from "../changes.ts";
import type { ChatDeps } from "../deps.ts";
import type { ConversationObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { conversationObjects, sharedConversation } from "../conversations/object.ts";
import { getConversation, limitConversationCreation, openConversation } from "../conversations/conversations.ts";
import { recordMembershipChange } from "../messages/system.ts";
import { loadSupportBot } from "../workspace_settings.ts";
import { decide, openingMessage } from "./rules.ts";
import { postBotText, supportBotUser } from "./bot_messages.ts";
import type { SupportQueueEntry } from "./queue_object.ts";

/**
 * Opens a support conversation for the caller (a guest or a member), or answers the one they
 * already have open: a requester has one at a time. The bot greets, or outside business
 * hours sends the after-hours message; without the bot the conversation waits for an agent.
 * @returns the conversation, and whether it was created now
 */
export async function openSupport(
  scope: TenantScope,
  deps: ChatDeps,
): Promise<{ conversation: ConversationObject; created: boolean }> {
  const open = await findOpenTicketOf(scope, scope.userId);
  if (open) return { conversation: await getConversation(scope, open.conversationId, deps), created: false };
  const bot = await loadSupportBot(scope);
  const botUser = bot.enabled ? await supportBotUser(scope, bot.name, deps.now) : null;
  await limitConversationCreation(scope, deps);
  const now = new Date(deps.now());
  try {
    const conversation = await commitChange(scope, async (tx, record) => {
      const id = uuidv7(now.getTime());
      const members: { userId: string; role: ParticipantRole }[] = [{ userId: scope.userId, role: "owner" }];
      if (botUser) members.push({ userId: botUser.id, role: "member" });
      const object = await openConversation(
        scope,
        {
          id,
          kind: "support",
          title: bot.name,
          createdBy: scope.userId,
          createdAt: now,
          updatedAt: now,
        },
        members,
        { deps, tx, record },
      );
      await insertTicket(scope, {
        conversationId: id,
        requesterId: scope.userId,
        state: botUser ? "bot" : "queued",
        at: now,
      }, tx);
      if (botUser) {
        await postBotText(
          scope,
          id,
          { bot: botUser, content: openingMessage(bot, now.getTime()), at: now },
          tx,
          record,
        );
      } else await announceQueue(scope, id, "support_queued", { tx, record, deps });
      return object;
    });
    return { conversation, created: true };
  } catch (e) {
    // two tabs opening support at once: the second answers the first one's conversation
    if (!isUniqueViolation(e)) throw e;
    const winner = await findOpenTicketOf(scope, scope.userId);
    if (!winner) throw e;
    return { conversation: await getConversation(scope, winner.conversationId, deps), created: false };
  }
}

/**
 * The bot's answer to a message just sent in a support conversation, run after the send has
 * committed and answered. Only the requester's messages count, and only while the bot has
 * the conversation: once queued or claimed it stays silent.
 * @param message the sent message's conversation, sender and text
 */
export async function answerRequester(
  scope: TenantScope,
  ticket: SupportTicket,
  message: { senderId: string; content: string },
  deps: ChatDeps,
): Promise<void> {
  if (ticket.state !== "bot" || message.senderId !== ticket.requesterId || !message.content.trim()) return;
  const bot = await loadSupportBot(scope);
  if (!bot.enabled) return;
  const decision = decide(bot, message.content, ticket.misses);
  const now = new Date(deps.now());
  const botUser = decision.action === "none" ? null : await supportBotUser(scope, bot.name, deps.now);
  await commitChange(scope, async (tx, record) => {
    if (decision.action === "none") return await setTicketMisses(scope, ticket.conversationId, decision.misses, tx);
    // the move is conditional: an agent who claimed in the meantime silences the bot
    const from = ["bot" as const];
    const moved = await moveTicket(scope, ticket.conversationId, {
      from,
      to: decision.action === "handoff" ? "queued" : "bot",
      at: now,
    }, tx);
    if (!moved || !botUser) return;
    await postBotText(scope, ticket.conversationId, { bot: botUser, content: decision.reply, at: now }, tx, record);
    if (decision.action === "handoff") {
      await announceQueue(scope, ticket.conversationId, "support_queued", { tx, record, deps });
    }
  });
}

/** The support conversations waiting for an agent, oldest first (members and admins only). */
export async function supportQueue(scope: TenantScope, deps: ChatDeps): Promise<SupportQueueEntry[]> {
  requireAgent(scope);
  const tickets = await listQueuedTickets(scope);
  return await queueEntries(scope, tickets, deps, scope.db);
}

/**
 * An agent takes a support conversation: they join it and the bot stops. The state moves in
 * one conditional statement, so of two agents claiming at once exactly one gets it (409 for
 * the other).
 */
export async function claimSupport(scope: TenantScope, conversationId: string, deps: ChatDeps) {
  requireAgent(scope);
  const now = new Date(deps.now());
  const conversation = await requireSupport(scope, conversationId);
  await commitChange(scope, async (tx, record) => {
    const moved = await moveTicket(scope, conversationId, {
      from: ["bot", "queued"],
      to: "claimed",
      at: now,
      agentId: scope.userId,
    }, tx);
    if (!moved) throw conflict("Cannot claim support conversation: it is already claimed or closed");
    await upsertMembers(scope, conversationId, [{ userId: scope.userId, role: "admin" }], {
      now,
      lastMessageId: conversation.lastMessageId,
    }, tx);
    await record({
      type: "participant_added",
      conversationId,
      userId: scope.userId,
      data: { conversation_id: conversationId, user_id: scope.userId },
    });
    const me = await findUser(scope, scope.userId, tx);
    await recordMembershipChange(
      scope,
      conversation,
      { action: "joined", userId: scope.userId, name: me?.name, at: now },
      tx,
      record,
    );
    await announceQueue(scope, conversationId, "support_claimed", { tx, record, deps });
  });
  return await getConversation(scope, conversationId, deps);
}

/**
 * Closes a support conversation (its requester, or any agent); the requester may then open a
 * new one. Closing a closed one is a 409.
 */
export async function closeSupport(scope: TenantScope, conversationId: string, deps: ChatDeps) {
  const conversation = await requireSupport(scope, conversationId);
  const ticket = await findTicket(scope, conversation.id);
  if (!ticket) throw notFound("Conversation");
  if (scope.role === "guest" && ticket.requesterId !== scope.userId) throw notFound("Conversation");
  const now = new Date(deps.now());
  await commitChange(scope, async (tx, record) => {
    const moved = await moveTicket(
      scope,
      conversationId,
      { from: ["bot", "queued", "claimed"], to: "closed", at: now },
      tx,
    );
    if (!moved) throw conflict("Cannot close support conversation: it is already closed");
    await announceQueue(scope, conversationId, "support_closed", { tx, record, deps });
  });
  return { status: "closed" as const };
}

/** The support state of a conversation, for the send path's after-commit answer. */
export async function supportTicketOf(scope: TenantScope, conversationId: string) {
  return await findTicket(scope, conversationId);
}

function requireAgent(scope: TenantScope) {
  if (scope.role === "guest") throw forbidden("Only members and admins answer support conversations");
}

/**
 * The support conversation as the caller may reach it: agents reach any of the workspace's
 * (they are not in it before claiming), a guest only one they are in; anything else is 404.
 */
async function requireSupport(scope: TenantScope, conversationId: string): Promise<Conversation> {
  const conversation = isUuid(conversationId) ? await findConversation(scope, conversationId) : undefined;
  if (!conversation || conversation.kind !== "support") throw notFound("Conversation");
  if (scope.role === "guest") {
    const ticket = await findTicket(scope, conversationId);
    if (ticket?.requesterId !== scope.userId) throw notFound("Conversation");
  }
  return conversation;
}

async function announceQueue(
  scope: TenantScope,
  conversationId: string,
  type: "support_queued" | "support_claimed" | "support_closed",
  change: { tx: Tx; record: RecordEvent; deps: ChatDeps },
) {
  const ticket = await findTicket(scope, conversationId, change.tx);
  if (!ticket) return;
  const [entry] = await queueEntries(scope, [ticket], change.deps, change.tx);
  await change.record({ type, conversationId, data: { conversation: entry } });
}

async function queueEntries(
  scope: TenantScope,
  tickets: SupportTicket[],
  deps: ChatDeps,
  db: Tx | TenantScope["db"],
): Promise<SupportQueueEntry[]> {
  if (tickets.length === 0) return [];
  const rows = await findConversationsById(scope, tickets.map((t) => t.conversationId), db);
  const requesters = new Map(
    (await findUsers(scope, tickets.map((t) => t.requesterId), db)).map((u) => [u.id, u]),
  );
  // the requester's view: the same shared object every agent receives
  const byId = new Map(rows.map((r) => [r.id, r]));
  const entries: SupportQueueEntry[] = [];
  for (const ticket of tickets) {
    const row = byId.get(ticket.conversationId);
    if (!row) continue;
    const [object] = await conversationObjects(scope, ticket.requesterId, [row], deps, db);
    const requester = requesters.get(ticket.requesterId);
    entries.push({
      ...sharedConversation(object),
      requester: { id: ticket.requesterId, name: requester?.name ?? "" },
      waiting_since: ticket.waitingSince?.toISOString() ?? null,
      support_status: ticket.state,
      claimed_by: ticket.claimedBy,
    });
  }
  return entries;
}
