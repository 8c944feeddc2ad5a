import type { InStatement } from "@libsql/client";
import type { Tx } from "../db/client.ts";
import { committedEvent, eventInsertStatement, pendingEvent, recordEvent } from "../db/events.ts";
import type { ChatEvent, NewChatEvent } from "./events.ts";
import type { TenantScope } from "./tenancy.ts";

/** Records an event inside the change's transaction. */
export type RecordEvent = (event: NewChatEvent) => Promise<void>;

/**
 * Runs a change in one write transaction together with the events it records, then
 * announces the events on the bus. Announcing only after commit means a listener never
 * hears of a change that is not (yet) in the database; recording inside the transaction
 * means nothing commits without its event. This process's hub gets the events as written.
 * @param scope the caller
 * @param change the work, given the transaction and a recorder for its events
 */
export async function commitChange<T>(
  scope: TenantScope,
  change: (tx: Tx, record: RecordEvent) => Promise<T>,
): Promise<T> {
  const committed: ChatEvent[] = [];
  const result = await scope.db.transaction(async (tx) => {
    return await change(tx, async (event) => {
      committed.push(await recordEvent<ChatEvent>(tx, scope, event));
    });
  });
  if (committed.length > 0) await scope.bus.publish({ kind: "events", lastEventId: committed.at(-1)!.id, committed });
  return result;
}

/**
 * Commits statements that need nothing read inside the transaction, together with their
 * events, as one batch. A batch runs from BEGIN to COMMIT in a single synchronous step, so
 * the write lock is held only for the statements themselves and never across other
 * requests' work, which is what lets many concurrent senders through. Then announces,
 * handing this process's hub the events as written, so it need not read them back.
 * @param scope the caller
 * @param statements the change (built on `scope.db`, not awaited)
 * @param events what it records, at least one
 */
export async function commitBatch(
  scope: TenantScope,
  statements: InStatement[],
  events: [NewChatEvent, ...NewChatEvent[]],
): Promise<void> {
  const pending = events.map((event) => pendingEvent(scope, event));
  const results = await scope.db.$client.batch([...statements, ...pending.map(eventInsertStatement)], "write");
  const ids = results.slice(statements.length).map((r) => Number(r.lastInsertRowid));
  await scope.bus.publish({
    kind: "events",
    lastEventId: ids.at(-1)!,
    committed: pending.map((event, i) => committedEvent<ChatEvent>(event, ids[i])),
  });
}
