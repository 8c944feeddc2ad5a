import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type SupportState, type SupportTicket, supportTickets } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** Starts the support state of a new support conversation. */
export async function insertTicket(
  scope: TenantOnlyScope,
  values: { conversationId: string; requesterId: string; state: SupportState; at: Date },
  db: DbOrTx,
): Promise<void> {
  await db.insert(supportTickets).values({
    conversationId: values.conversationId,
    tenantId: scope.tenantId,
    requesterId: values.requesterId,
    state: values.state,
    waitingSince: values.state === "queued" ? values.at : null,
    createdAt: values.at,
  });
}

/** The support state of a conversation, or undefined when it is not a support conversation. */
export async function findTicket(
  scope: TenantOnlyScope,
  conversationId: string,
  db: DbOrTx = scope.db,
): Promise<SupportTicket | undefined> {
  const [row] = await db.select().from(supportTickets)
    .where(and(eq(supportTickets.tenantId, scope.tenantId), eq(supportTickets.conversationId, conversationId)));
  return row;
}

/** The requester's support conversation that is not closed, if any. */
export async function findOpenTicketOf(
  scope: TenantOnlyScope,
  requesterId: string,
): Promise<SupportTicket | undefined> {
  const [row] = await scope.db.select().from(supportTickets).where(and(
    eq(supportTickets.tenantId, scope.tenantId),
    eq(supportTickets.requesterId, requesterId),
    ne(supportTickets.state, "closed"),
  ));
  return row;
}

/**
 * Moves a ticket from one of the `from` states to `to` in one statement, so of two
 * concurrent moves exactly one succeeds; answers the ticket as changed, or undefined when
 * it was in none of those states.
 */
export async function moveTicket(
  scope: TenantOnlyScope,
  conversationId: string,
  change: { from: SupportState[]; to: SupportState; at: Date; agentId?: string; misses?: number },
  db: DbOrTx,
): Promise<SupportTicket | undefined> {
  const [row] = await db.update(supportTickets).set({
    state: change.to,
    misses: change.misses ?? 0,
    ...(change.to === "queued" ? { waitingSince: change.at } : {}),
    ...(change.to === "claimed" ? { claimedBy: change.agentId, claimedAt: change.at } : {}),
    ...(change.to === "closed" ? { closedAt: change.at } : {}),
  }).where(and(
    eq(supportTickets.tenantId, scope.tenantId),
    eq(supportTickets.conversationId, conversationId),
    inArray(supportTickets.state, change.from),
  )).returning();
  return row;
}

/** Counts an unmatched requester message while the bot still answers. */
export async function setTicketMisses(scope: TenantOnlyScope, conversationId: string, misses: number, db: DbOrTx) {
  await db.update(supportTickets).set({ misses }).where(and(
    eq(supportTickets.tenantId, scope.tenantId),
    eq(supportTickets.conversationId, conversationId),
    eq(supportTickets.state, "bot"),
  ));
}

/** The tickets waiting for an agent, oldest first. */
export async function listQueuedTickets(scope: TenantOnlyScope): Promise<SupportTicket[]> {
  return await scope.db.select().from(supportTickets)
    .where(and(eq(supportTickets.tenantId, scope.tenantId), eq(supportTickets.state, "queued")))
    .orderBy(asc(supportTickets.waitingSince), asc(supportTickets.conversationId));
}
