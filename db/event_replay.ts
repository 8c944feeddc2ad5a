import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { events, participants } from "./schema/mod.ts";
import { type LoggedEvent, toLoggedEvent } from "./events.ts";
import type { TenantOnlyScope } from "./scope.ts";

/**
 * The events one user may see in a cursor range, in id order: those of conversations the
 * user is in now, those addressed to the user (e.g. their own removal), and for an agent
 * (a member or admin) the workspace's agent events; agent events reach nobody else.
 * @param scope the user's tenant
 * @param userId whose view
 * @param range `after` (exclusive), `upTo` (inclusive), page `limit`; `agentTypes`: the
 * agent event types, and `agent`: whether the user sees them
 */
export async function readUserEventsAfter<E extends LoggedEvent = LoggedEvent>(
  scope: TenantOnlyScope,
  userId: string,
  range: { after: number; upTo: number; limit: number; agentTypes: readonly string[]; agent: boolean },
): Promise<E[]> {
  const mine = scope.db.select({ id: participants.conversationId }).from(participants)
    .where(
      and(eq(participants.tenantId, scope.tenantId), eq(participants.userId, userId), isNull(participants.leftAt)),
    );
  const rows = await scope.db.select().from(events).where(and(
    gt(events.id, range.after),
    lte(events.id, range.upTo),
    eq(events.tenantId, scope.tenantId),
    range.agent
      ? or(eq(events.userId, userId), inArray(events.conversationId, mine), inArray(events.type, [...range.agentTypes]))
      : and(
        or(eq(events.userId, userId), inArray(events.conversationId, mine)),
        notInArray(events.type, [...range.agentTypes]),
      ),
  )).orderBy(asc(events.id)).limit(range.limit);
  return rows.map((row) => toLoggedEvent<E>(row));
}

/** The oldest and newest ids still in the log (0 when it is empty). */
export async function eventLogBounds(db: Db): Promise<{ oldest: number; latest: number }> {
  const [row] = await db.select({
    oldest: sql<number | null>`min(${events.id})`,
    latest: sql<number | null>`max(${events.id})`,
  }).from(events);
  return { oldest: Number(row?.oldest ?? 0), latest: Number(row?.latest ?? 0) };
}

/**
 * Deletes events older than the retention window, always keeping the newest one so the
 * log's bounds still tell how far back replay can reach.
 * @param db the database
 * @param before creation time cut-off
 */
export async function purgeExpiredEvents(db: Db, before: Date): Promise<void> {
  const [newest] = await db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
  if (!newest) return;
  await db.delete(events).where(and(lt(events.createdAt, before), lt(events.id, newest.id)));
}
