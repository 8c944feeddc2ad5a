import { builtOncePer } from "./prepared.ts";
import { asc, gt, sql } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import type { DbOrTx } from "./client.ts";
import { type EventRow, events } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/**
 * An event as the log holds it. The log stores any event type with JSON data; the domain's
 * typed list (`chat/events.ts`) is a union of these, and callers name it as the type
 * parameter of the reads.
 */
export interface LoggedEvent {
  id: number;
  tenantId: string;
  type: string;
  data: unknown;
  conversationId: string | null;
  userId: string | null;
  createdAt: number;
}

/** An event to record: its type and data, and who it is routed to. */
export interface EventToRecord {
  type: string;
  data: unknown;
  /** Routed to this conversation's current participants. */
  conversationId: string;
  /** Also routed to this user. */
  userId?: string;
}

/**
 * Records a domain event. Call it with the transaction that makes the change, so the
 * change and its event commit together or not at all.
 * @param tx the open transaction
 * @param scope whose tenant the event belongs to
 * @param event what happened and who it is routed to
 * @returns the event as a read of the log will return it once committed
 */
export async function recordEvent<E extends LoggedEvent = LoggedEvent>(
  tx: DbOrTx,
  scope: TenantOnlyScope,
  event: EventToRecord,
): Promise<E> {
  const pending = pendingEvent(scope, event);
  const [row] = await tx.insert(events).values({
    tenantId: pending.tenantId,
    type: pending.type,
    conversationId: pending.conversationId,
    userId: pending.userId,
    // the stored text itself, so that what is handed out is exactly what the log holds
    data: sql`${pending.json}`,
    createdAt: new Date(pending.createdAt),
  }).returning({ id: events.id });
  return committedEvent<E>(pending, row.id);
}

/** An event as it is written: the row's values, before the database gives it an id. */
export interface PendingEvent {
  tenantId: string;
  type: string;
  conversationId: string;
  userId: string | null;
  /** The data as stored. */
  json: string;
  createdAt: number;
}

/**
 * The row that records an event.
 * @param scope whose tenant the event belongs to
 * @param event what happened and who it is routed to
 */
export function pendingEvent(scope: TenantOnlyScope, event: EventToRecord): PendingEvent {
  return {
    tenantId: scope.tenantId,
    type: event.type,
    conversationId: event.conversationId,
    userId: event.userId ?? null,
    json: JSON.stringify(event.data),
    createdAt: Date.now(),
  };
}

/**
 * `recordEvent` as a statement for the batch that makes the change. The new id is the
 * result's `lastInsertRowid` (the id column is the rowid): a RETURNING clause would make
 * the statement a query, which the client runs through its slower row-reading path.
 */
export function eventInsertStatement(event: PendingEvent): InStatement {
  return {
    sql: `INSERT INTO events (tenant_id, type, conversation_id, user_id, data, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`,
    args: [event.tenantId, event.type, event.conversationId, event.userId, event.json, event.createdAt],
  };
}

/**
 * A written event as a read of the log would return it: the same fields, and data parsed
 * from the stored text, so it is a copy that shares nothing with the caller's objects.
 * @param event the row as written
 * @param id the id the database gave it
 */
export function committedEvent<E extends LoggedEvent = LoggedEvent>(event: PendingEvent, id: number): E {
  return {
    id,
    tenantId: event.tenantId,
    type: event.type,
    data: JSON.parse(event.json),
    conversationId: event.conversationId,
    userId: event.userId,
    createdAt: event.createdAt,
  } as E;
}

/**
 * Reads committed events of every tenant after a cursor, in id order. Used by the
 * process's single tail reader, which then filters per subscriber in memory.
 */
export async function readEventsAfter<E extends LoggedEvent = LoggedEvent>(
  db: DbOrTx,
  afterId: number,
  limit = 1000,
): Promise<E[]> {
  const rows = await tailQuery(db).execute({ afterId, limit });
  return rows.map((row) => toLoggedEvent<E>(row));
}

/** A log row as the event it records. */
export function toLoggedEvent<E extends LoggedEvent = LoggedEvent>(row: EventRow): E {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    data: row.data,
    conversationId: row.conversationId,
    userId: row.userId,
    createdAt: row.createdAt.getTime(),
  } as E;
}

// The tail reader runs this after every commit: built once per database.
const tailQuery = builtOncePer(buildTailQuery);

function buildTailQuery(db: DbOrTx) {
  return db.select().from(events).where(gt(events.id, sql.placeholder("afterId")))
    .orderBy(asc(events.id)).limit(sql.placeholder("limit")).prepare();
}
