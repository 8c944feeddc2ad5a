import type { Client, InArgs, InStatement, ResultSet, TransactionMode } from "@libsql/client";
import type { FifoLock } from "./fifo_lock.ts";
import type { DbTimings } from "./timings.ts";

/*
 * The write gate: one FIFO lock per process that every write takes (transactions, write
 * batches, single writing statements), so concurrent writers queue in-process instead of
 * spinning on SQLITE_BUSY or blocking the thread in SQLite's busy handler; and group
 * commit, which turns the write batches queued behind the gate into one transaction.
 */

/**
 * Counts statements and transactions under way, so closing waits for them: closing the
 * native connection under a running statement crashes the process rather than failing it.
 */
export class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];
  closing = false;
  track<T>(run: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error("Cannot query: the database is closing"));
    this.#count++;
    return run().finally(() => this.#done());
  }
  begin(): () => void {
    this.#count++;
    let ended = false;
    return () => {
      if (!ended) this.#done(ended = true);
    };
  }
  drained(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((r) => this.#idle.push(r));
  }
  #done(_?: boolean) {
    if (--this.#count === 0) { for (const r of this.#idle.splice(0)) r(); }
  }
}

interface QueuedBatch {
  stmts: InStatement[];
  resolve(results: ResultSet[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit: write batches that arrive while the gate is taken wait together and then
 * commit as one transaction. Under load every commit writes the same hot pages (the tail
 * of the messages and events tables and their indexes) to the WAL once for the whole
 * group instead of once per request. Each batch stays all-or-nothing: if the group fails,
 * its batches run again one by one, so only the failing one fails.
 */
class GroupCommit {
  #queue: QueuedBatch[] = [];
  #lastCommit = -Infinity;

  constructor(readonly client: Client, readonly gate: FifoLock, readonly timings: DbTimings) {}

  add(stmts: InStatement[]): Promise<ResultSet[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ stmts, resolve, reject });
      if (this.#queue.length > 1) return;
      // Statements run synchronously, so a request normally finds the writer free and
      // commits alone. Under load (another commit just now) the commit waits one turn of
      // the event loop instead, so the requests already received can join it; a lone
      // request is not delayed.
      if (performance.now() - this.#lastCommit < GROUP_WINDOW_MS) {
        setImmediate(() => this.gate.run(() => this.#flush()));
      } else this.gate.run(() => this.#flush());
    });
  }

  async #flush() {
    this.#lastCommit = performance.now();
    const batches = this.#queue.splice(0, MAX_GROUP);
    if (this.#queue.length > 0) this.gate.run(() => this.#flush());
    if (batches.length > 1) {
      try {
        const results = await this.#commit(batches.flatMap((b) => b.stmts));
        let at = 0;
        for (const b of batches) b.resolve(results.slice(at, at += b.stmts.length));
        return;
      } catch {
        // one of them failed: find out which, committing the others on their own
      }
    }
    for (const b of batches) await this.#commit(b.stmts).then(b.resolve, b.reject);
  }

  #commit(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.timings.time("batch", () => this.client.batch(stmts, "write"));
  }
}

/** Write batches committed together at most; bounds how long one transaction holds the writer. */
const MAX_GROUP = 256;
/** A commit this soon after the previous one waits a turn for company. */
const GROUP_WINDOW_MS = 2;

/** True for SQL that writes: INSERT, UPDATE, DELETE or REPLACE, as drizzle and this code write them. */
function isWrite(sql: string): boolean {
  return /^\s*(insert|update|delete|replace)\b/i.test(sql);
}

/**
 * Wraps the libSQL client so writes are serialized in this process: transactions, write
 * batches (committed in groups) and single writes take the gate; reads run beside them.
 * In single-connection mode every statement takes the gate.
 * @param client the raw client
 * @param gate the process's write gate
 * @param singleConnection true for `:memory:`
 * @param inFlight counts what closing must wait for
 * @param timings where statement, batch and transaction times go
 */
export function gated(
  client: Client,
  gate: FifoLock,
  singleConnection: boolean,
  inFlight: InFlight,
  timings: DbTimings,
): Client {
  const group = new GroupCommit(client, gate, timings);
  const transaction = (mode?: TransactionMode) => {
    if (inFlight.closing) return Promise.reject(new Error("Cannot begin: the database is closing"));
    const end = inFlight.begin();
    let release!: () => void;
    let startedAt: number | null = null;
    const done = new Promise<void>((r) => release = r);
    done.then(() => {
      if (startedAt !== null) timings.observe("transaction", startedAt);
      end();
    });
    return new Promise<Awaited<ReturnType<Client["transaction"]>>>(
      (resolve, reject) => {
        gate.run(async () => {
          try {
            startedAt = performance.now();
            const tx = await client.transaction(mode);
            const settle = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A) => {
              try {
                return await f(...a);
              } finally {
                release();
              }
            };
            const [txCommit, txRollback, txClose] = [
              tx.commit.bind(tx),
              tx.rollback.bind(tx),
              tx.close.bind(tx),
            ];
            const commit = settle(txCommit);
            const rollback = settle(txRollback);
            const close = () => {
              txClose();
              release();
            };
            resolve(Object.assign(tx, { commit, rollback, close }));
          } catch (e) {
            release();
            reject(e);
          }
          await done;
        });
      },
    );
  };
  const track = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) => inFlight.track(() => f(...a));
  const serial = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) =>
    inFlight.track(() => gate.run(() => f(...a)));
  const statement = (stmt: InStatement | string, args?: InArgs) =>
    timings.time("statement", () => client.execute(stmt as string, args));
  // a write outside a transaction takes the gate like a one-statement batch: beside an open
  // write transaction it would otherwise fail busy (or wait in SQLite's busy handler,
  // blocking the thread the transaction needs to finish); reads run beside it (WAL)
  const writeStatement = serial(statement);
  const readStatement = track(statement);
  const execute = (stmt: InStatement | string, args?: InArgs) =>
    isWrite(typeof stmt === "string" ? stmt : stmt.sql) ? writeStatement(stmt, args) : readStatement(stmt, args);
  const otherBatch = serial((stmts: InStatement[], mode?: TransactionMode) =>
    timings.time("batch", () => client.batch(stmts, mode))
  );
  const base = {
    execute,
    // a batch is a write transaction run in one synchronous step: it queues like the others,
    // and write batches that queued meanwhile commit together (see GroupCommit)
    batch: (stmts: InStatement[], mode?: TransactionMode) =>
      mode === "write" ? inFlight.track(() => group.add(stmts)) : otherBatch(stmts, mode),
    migrate: track(client.migrate.bind(client)),
    executeMultiple: track(client.executeMultiple.bind(client)),
    sync: client.sync.bind(client),
    close: client.close.bind(client),
    reconnect: client.reconnect.bind(client),
    get closed() {
      return client.closed;
    },
    get protocol() {
      return client.protocol;
    },
    transaction,
  } as Client;
  if (!singleConnection) return base;
  return Object.assign(base, {
    execute: serial(statement),
    executeMultiple: serial((sql: string) => client.executeMultiple(sql)),
    migrate: serial((stmts: InStatement[]) => client.migrate(stmts)),
  });
}
