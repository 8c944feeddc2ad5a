import type { Client, Config, InArgs, InStatement, InValue, ResultSet, TransactionMode } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
// the web entry takes a client built here; unlike the default entry it imports no native module
import { drizzle } from "drizzle-orm/libsql/web";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema/mod.ts";
import { cachePreparedStatements } from "./statement_cache.ts";
import { type Checkpointer, startCheckpointer } from "./checkpointer.ts";
import { DbTimings } from "./timings.ts";

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };
/** What a write transaction receives: the same query API as `Db`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either the database or an open transaction. */
export type DbOrTx = Db | Tx;

/** An opened database: drizzle on top, the raw client below for pragmas and health checks. */
export interface Database {
  db: Db;
  client: Client;
  /** True for `:memory:`: one connection, so reads also wait for an open transaction. */
  singleConnection: boolean;
  /** How long statements, batches and transactions take, for `GET /metrics`. */
  timings: DbTimings;
  /** Waits for statements under way, then closes; later queries fail instead of crashing. */
  close(): Promise<void>;
}

const MIGRATIONS = new URL("./migrations", import.meta.url).pathname;

/**
 * The libSQL client for a URL. Local files load the native SQLite module; remote databases
 * (`libsql://`, `http(s)://`) use the client that speaks HTTP and WebSockets only, so an
 * edge runtime, which cannot load native modules, never loads it.
 */
async function connect(local: boolean, config: Config): Promise<Client> {
  const { createClient } = local ? await import("@libsql/client/sqlite3") : await import("@libsql/client/web");
  return createClient(config);
}

/**
 * A FIFO lock. Write transactions take it so that concurrent senders queue in-process
 * instead of spinning on SQLITE_BUSY; in single-connection mode every statement takes it.
 */
class Gate {
  #tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(() => {}, () => {});
    return result;
  }
}

/**
 * Connections of a local database. Writes are serialized by the gate and every statement
 * runs synchronously, so a few connections serve any number of requests: one for the open
 * write transaction, the others for reads beside it (WAL).
 */
const POOL_SIZE = 4;

/**
 * Pragmas are per connection, but the client opens pooled connections lazily and without
 * them (a connection opened later would fsync every commit). So open the whole pool up
 * front: after its pragmas, each connection is held by an idle transaction, which makes
 * the next statement open a fresh one; at the end all go back to the pool configured.
 */
async function configureConnections(raw: Client, count: number, pragmas: string[]) {
  const held: Awaited<ReturnType<Client["transaction"]>>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      for (const pragma of pragmas) await raw.execute(pragma);
      if (i < count - 1) held.push(await raw.transaction("deferred"));
    }
  } finally {
    for (const tx of held) tx.close();
  }
}

/**
 * Counts statements and transactions under way, so closing waits for them: closing the
 * native connection under a running statement crashes the process rather than failing it.
 */
class InFlight {
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

  constructor(readonly client: Client, readonly gate: Gate, readonly timings: DbTimings) {}

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

/** Wraps the libSQL client so transactions are serialized in this process. */
function gated(client: Client, gate: Gate, singleConnection: boolean, inFlight: InFlight, timings: DbTimings): Client {
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

/**
 * With a background checkpointer, the server's own connections checkpoint only when the
 * WAL grows past this many pages (about 160 MB), e.g. if the checkpointer cannot keep up.
 */
const BACKSTOP_CHECKPOINT_PAGES = 40_000;

/**
 * Opens the database, turns on WAL for local files, and applies pending migrations.
 * @param url a libSQL url: `file:…`, `:memory:`, `libsql://…` or `http(s)://…`
 * @param options `backgroundCheckpoint`: checkpoint a local file's WAL on a worker thread
 * instead of inside commits (for servers; short-lived scripts need not); `checkpointFrames`:
 * the WAL frames that start a background checkpoint (default about 64 MB of them)
 */
export async function openDatabase(
  url: string,
  options: { authToken?: string; encryptionKey?: string; backgroundCheckpoint?: boolean; checkpointFrames?: number } =
    {},
): Promise<Database> {
  const local = url.startsWith("file:");
  const path = url.slice("file:".length);
  if (local) {
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const singleConnection = url === ":memory:" ||
    url.startsWith("file::memory:");
  if (local || singleConnection) await cachePreparedStatements();
  const raw = await connect(
    local || singleConnection,
    {
      url: singleConnection ? ":memory:" : url,
      concurrency: POOL_SIZE,
      authToken: options.authToken,
      encryptionKey: options.encryptionKey,
      // busy timeout (seconds) for other processes sharing the file
      ...(local ? { timeout: 5 } : {}),
    } as Config,
  );
  if (local) await raw.execute("PRAGMA journal_mode = WAL");
  const background = local && !singleConnection && options.backgroundCheckpoint === true;
  if (local || singleConnection) {
    await configureConnections(raw, singleConnection ? 1 : POOL_SIZE, [
      "PRAGMA synchronous = NORMAL",
      "PRAGMA foreign_keys = ON",
      // deleted rows (a deleted message's text, its files in the db backend) are overwritten
      // with zeros, not left in free space in the file where a copy of it could read them
      "PRAGMA secure_delete = ON",
      ...(background ? [`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`] : []),
    ]);
  }
  const inFlight = new InFlight();
  const timings = new DbTimings();
  const gate = new Gate();
  const client = gated(raw, gate, singleConnection, inFlight, timings);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  const checkpointer: Checkpointer | null = background
    ? startCheckpointer(path, {
      encryptionKey: options.encryptionKey,
      checkpointFrames: options.checkpointFrames,
      holdWrites: (fn) => gate.run(fn),
    })
    : null;
  return {
    db,
    client,
    singleConnection,
    timings,
    async close() {
      inFlight.closing = true;
      await inFlight.drained();
      await checkpointer?.stop();
      raw.close();
    },
  };
}

/**
 * Runs a SELECT and returns its rows as arrays of values, in the query's order. SQLite folds
 * the rows into one JSON value, because the client converts every column of every row
 * into a JavaScript object property one at a time: for a page of 50 messages that is
 * ~1.2 ms of CPU against ~0.2 ms for the JSON. Only for text and numbers (no blobs).
 * @param query the SELECT; its result columns must be named by `columns`
 * @param columns the names to return, in order
 */
export async function selectRows(
  db: Db,
  query: { sql: string; args: InValue[] },
  columns: string[],
): Promise<unknown[][]> {
  const { rows } = await db.$client.execute({
    sql: `SELECT json_group_array(json_array(${columns.join(", ")})) FROM (${query.sql})`,
    args: query.args,
  });
  return JSON.parse(rows[0][0] as string);
}

/** True when the database answers and every committed migration has been applied. */
export async function isReady(database: Database): Promise<boolean> {
  try {
    const applied = await database.client.execute(
      "SELECT count(*) AS n FROM __drizzle_migrations",
    );
    const journal = JSON.parse(
      await Deno.readTextFile(`${MIGRATIONS}/meta/_journal.json`),
    );
    return Number(applied.rows[0].n) >= journal.entries.length;
  } catch {
    return false;
  }
}
