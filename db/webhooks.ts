import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "./client.ts";
import {
  events,
  tenants,
  type Webhook,
  webhookDeliveries,
  type WebhookDelivery,
  webhookDispatch,
  webhooks,
} from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { type LoggedEvent, toLoggedEvent } from "./events.ts";

/** A new webhook's row. */
export interface NewWebhook {
  id: string;
  url: string;
  secret: string;
  eventTypes: string[];
  createdAt: Date;
}

/** Adds a webhook to the scope's tenant. */
export async function insertWebhook(tx: DbOrTx, scope: TenantOnlyScope, webhook: NewWebhook): Promise<Webhook> {
  const [row] = await tx.insert(webhooks).values({ ...webhook, tenantId: scope.tenantId }).returning();
  return row;
}

/** The tenant's webhooks, oldest first. */
export async function listWebhooks(scope: TenantOnlyScope): Promise<Webhook[]> {
  return await scope.db.select().from(webhooks).where(eq(webhooks.tenantId, scope.tenantId))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
}

/** Counts the tenant's webhooks. */
export async function countWebhooks(tx: DbOrTx, scope: TenantOnlyScope): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)` }).from(webhooks).where(
    eq(webhooks.tenantId, scope.tenantId),
  );
  return Number(row.n);
}

/** One of the tenant's webhooks (undefined for another tenant's id). */
export async function findWebhook(tx: DbOrTx, scope: TenantOnlyScope, id: string): Promise<Webhook | undefined> {
  const [row] = await tx.select().from(webhooks).where(and(eq(webhooks.tenantId, scope.tenantId), eq(webhooks.id, id)));
  return row;
}

/** Deletes one of the tenant's webhooks and its queue; false when there was none. */
export async function deleteWebhook(tx: DbOrTx, scope: TenantOnlyScope, id: string): Promise<boolean> {
  await tx.delete(webhookDeliveries).where(
    and(eq(webhookDeliveries.tenantId, scope.tenantId), eq(webhookDeliveries.webhookId, id)),
  );
  const gone = await tx.delete(webhooks).where(and(eq(webhooks.tenantId, scope.tenantId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  return gone.length > 0;
}

/** The newest deliveries of one of the tenant's webhooks, newest first. */
export async function listDeliveries(
  scope: TenantOnlyScope,
  webhookId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  return await scope.db.select().from(webhookDeliveries).where(
    and(eq(webhookDeliveries.tenantId, scope.tenantId), eq(webhookDeliveries.webhookId, webhookId)),
  ).orderBy(desc(webhookDeliveries.id)).limit(limit);
}

/** A webhook as the dispatcher sees it: with its workspace's slug. */
export type DispatchWebhook = Webhook & { tenantSlug: string };

/** A delivery to queue. */
export interface QueuedDelivery {
  tenantId: string;
  webhookId: string;
  eventId: string;
  type: string;
  body: string;
}

/**
 * Turns the events after the dispatch cursor into deliveries. The events are read and their
 * deliveries built outside any transaction; one short transaction then moves the cursor and
 * writes the deliveries, so both commit or neither, and an event is queued once and never
 * skipped. The cursor moves only from the value read, so when two processes race, the
 * second changes nothing and its transaction is rolled back. While no workspace has a
 * webhook, the cursor just follows the end of the log.
 * @param db the database
 * @param options how many events at most, and how an event becomes deliveries
 * @returns how many events were read
 */
export async function queueEventsAfterCursor(
  db: Db,
  options: {
    limit: number;
    deliveriesFor: (event: LoggedEvent, hooks: DispatchWebhook[]) => Promise<QueuedDelivery[]>;
    now: number;
  },
): Promise<number> {
  const [cursor] = await db.select().from(webhookDispatch).where(eq(webhookDispatch.id, 1));
  const after = cursor?.lastEventId ?? 0;
  // the end of the log is read first: an event after it may follow a webhook made after the check below
  const [end] = await db.select({ id: sql<number | null>`max(${events.id})` }).from(events);
  const [anyHook] = await db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.isActive, true)).limit(1);
  if (!anyHook) {
    const latest = Number(end?.id ?? 0);
    if (latest > after) await moveCursor(db, cursor !== undefined, after, latest, []).catch(ignoreRace);
    return 0;
  }
  const rows = await db.select().from(events).where(gt(events.id, after)).orderBy(asc(events.id))
    .limit(options.limit);
  if (rows.length === 0) return 0;
  const tenantIds = [...new Set(rows.map((r) => r.tenantId))];
  const hooks = await db.select({ webhook: webhooks, slug: tenants.slug }).from(webhooks)
    .innerJoin(tenants, eq(tenants.id, webhooks.tenantId))
    .where(and(inArray(webhooks.tenantId, tenantIds), eq(webhooks.isActive, true)));
  const byTenant = new Map<string, DispatchWebhook[]>();
  for (const { webhook, slug } of hooks) {
    const list = byTenant.get(webhook.tenantId) ?? byTenant.set(webhook.tenantId, []).get(webhook.tenantId)!;
    list.push({ ...webhook, tenantSlug: slug });
  }
  const queued: QueuedDelivery[] = [];
  for (const row of rows) {
    const candidates = byTenant.get(row.tenantId);
    if (candidates) queued.push(...await options.deliveriesFor(toLoggedEvent(row), candidates));
  }
  const at = new Date(options.now);
  const values = queued.map((d) => ({ ...d, createdAt: at, nextAttemptAt: at }));
  await moveCursor(db, cursor !== undefined, after, rows.at(-1)!.id, values).catch(ignoreRace);
  return rows.length;
}

async function moveCursor(
  db: Db,
  exists: boolean,
  from: number,
  to: number,
  deliveries: (typeof webhookDeliveries.$inferInsert)[],
) {
  await db.transaction(async (tx) => {
    if (exists) {
      const moved = await tx.update(webhookDispatch).set({ lastEventId: to })
        .where(and(eq(webhookDispatch.id, 1), eq(webhookDispatch.lastEventId, from))).returning();
      if (moved.length === 0) throw new CursorMoved();
    } else {
      await tx.insert(webhookDispatch).values({ id: 1, lastEventId: to });
    }
    for (let i = 0; i < deliveries.length; i += 200) {
      await tx.insert(webhookDeliveries).values(deliveries.slice(i, i + 200)).onConflictDoNothing();
    }
  });
}

function ignoreRace(e: unknown) {
  if (!(e instanceof CursorMoved)) throw e;
}

/** Another process moved the dispatch cursor first. */
class CursorMoved extends Error {}

/**
 * Webhooks whose oldest pending delivery is due and whom no live process holds.
 * @param db the database
 * @param now the time, in milliseconds
 * @param limit how many at most
 */
export async function dueWebhookIds(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db.all<{ webhook_id: string }>(sql`
    SELECT h.webhook_id FROM (
      SELECT webhook_id, min(id) AS head FROM webhook_deliveries WHERE state = 'pending' GROUP BY webhook_id
    ) h
    JOIN webhook_deliveries d ON d.id = h.head
    JOIN webhooks w ON w.id = h.webhook_id
    WHERE d.next_attempt_at <= ${now} AND (w.lease_until IS NULL OR w.lease_until < ${now})
    ORDER BY h.head LIMIT ${limit}`);
  return rows.map((r) => r.webhook_id);
}

/**
 * Takes or renews the lease on a webhook's queue: only its holder sends, so deliveries of
 * one webhook go out one at a time, in order, from one process. A holder that dies loses
 * the lease when it runs out.
 * @returns false when another process holds it
 */
export async function leaseWebhook(
  db: Db,
  id: string,
  lease: { owner: string; now: number; untilMs: number },
): Promise<boolean> {
  const taken = await db.update(webhooks).set({ leaseOwner: lease.owner, leaseUntil: lease.untilMs }).where(and(
    eq(webhooks.id, id),
    or(isNull(webhooks.leaseUntil), lt(webhooks.leaseUntil, lease.now), eq(webhooks.leaseOwner, lease.owner)),
  )).returning({ id: webhooks.id });
  return taken.length > 0;
}

/** Gives up a lease this process holds. */
export async function releaseWebhook(db: Db, id: string, owner: string): Promise<void> {
  await db.update(webhooks).set({ leaseOwner: null, leaseUntil: null }).where(
    and(eq(webhooks.id, id), eq(webhooks.leaseOwner, owner)),
  );
}

/** A webhook's oldest pending deliveries, in order, with where they go. */
export async function pendingDeliveries(
  db: Db,
  webhookId: string,
  limit: number,
): Promise<{ delivery: WebhookDelivery; webhook: Webhook }[]> {
  return await db.select({ delivery: webhookDeliveries, webhook: webhooks }).from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhookDeliveries.state, "pending"), eq(webhookDeliveries.webhookId, webhookId)))
    .orderBy(asc(webhookDeliveries.id)).limit(limit);
}

/** The outcome of one attempt at a delivery. */
export interface AttemptResult {
  state: "pending" | "delivered" | "failed";
  attempts: number;
  status: number | null;
  error: string | null;
  at: number;
  nextAttemptAt: number;
}

/**
 * Records one attempt at a delivery, unless another attempt was recorded since it was read
 * (a process whose lease ran out mid-attempt does not undo its successor's record). Once
 * it is delivered or has failed, its body (which may hold message text) is dropped: only
 * the log entry stays.
 */
export async function recordAttempt(db: Db, delivery: WebhookDelivery, result: AttemptResult): Promise<void> {
  await db.update(webhookDeliveries).set({
    ...(result.state === "pending" ? {} : { body: "" }),
    state: result.state,
    attempts: result.attempts,
    lastStatus: result.status,
    lastError: result.error,
    lastAttemptAt: new Date(result.at),
    nextAttemptAt: new Date(result.nextAttemptAt),
    deliveredAt: result.state === "delivered" ? new Date(result.at) : null,
  }).where(and(
    eq(webhookDeliveries.id, delivery.id),
    eq(webhookDeliveries.state, "pending"),
    eq(webhookDeliveries.attempts, delivery.attempts),
  ));
}

/**
 * Deletes delivered and failed entries of every webhook beyond its newest `keep`, so the
 * queue holds what is pending plus the log and no more.
 */
export async function pruneDeliveries(db: Db, keep: number): Promise<void> {
  const hooks = await db.select({ id: webhooks.id }).from(webhooks);
  for (const { id } of hooks) {
    await db.run(sql`DELETE FROM webhook_deliveries WHERE webhook_id = ${id} AND state <> 'pending'
      AND id <= (SELECT id FROM webhook_deliveries WHERE webhook_id = ${id} ORDER BY id DESC LIMIT 1 OFFSET ${keep})`);
  }
}
