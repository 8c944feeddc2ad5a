import type { Client, Config, InValue } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema/mod.ts";
import { cachePreparedStatements } from "./statement_cache.ts";
import { type Checkpointer, startCheckpointer } from "./checkpointer.ts";
import { DbTimings } from "./timings.ts";
import { FifoLock } from "./fifo_lock.ts";
import { gated, InFlight } from "./write_gate.ts";

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
 * The libSQL client for a URL, and the drizzle entry that goes with it. Local files load the
 * native SQLite module and not the HTTP and WebSocket client; remote databases (`libsql://`,
 * `http(s)://`) load only that client, so an edge runtime, which cannot load native modules,
 * never loads it. Each drizzle entry imports its own client module, so the pair is loaded
 * together.
 */
async function connect(local: boolean, config: Config) {
  const [{ createClient }, { drizzle }] = local
    ? await Promise.all([import("@libsql/client/sqlite3"), import("drizzle-orm/libsql/sqlite3")])
    : await Promise.all([import("@libsql/client/web"), import("drizzle-orm/libsql/web")]);
  return { raw: createClient(config), drizzle };
}

/**
 * Applies pending migrations. Drizzle applies those newer than the newest one recorded; when
 * that one is the journal's newest there is nothing to apply, and the migrator (which reads
 * and hashes every migration file) is not loaded at all, which keeps a restart quick.
 */
async function migrateIfNeeded(db: Db, client: Client): Promise<void> {
  const journal: { entries: { when: number }[] } = JSON.parse(
    await Deno.readTextFile(`${MIGRATIONS}/meta/_journal.json`),
  );
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const { rows } = await client.execute("SELECT max(created_at) AS at FROM __drizzle_migrations");
    if (rows[0].at !== null && Number(rows[0].at) >= newest) return;
  } catch {
    // a new database: no migrations table yet
  }
  const { migrate } = await import("drizzle-orm/libsql/migrator");
  await migrate(db, { migrationsFolder: MIGRATIONS });
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
 * With a background checkpointer, the server's own connections checkpoint only when the
 * WAL grows past this many pages (about 160 MB), e.g. if the checkpointer cannot keep up.
 */
const BACKSTOP_CHECKPOINT_PAGES = 40_000;

/**
 * Opens the database, turns on WAL for local files, and applies pending migrations.
 * @param url a libSQL url: `file:…`, `:memory:`, `libsql://…` or `http(s)://…`
 * @param options `backgroundCheckpoint`: checkpoint a local file's WAL on a worker thread
 * instead of inside commits (for servers; short-lived scripts need not); `checkpointFrames`:
 * the WAL frames that start a background checkpoint (default about 64 MB of them);
 * `checkpointDelayMs`: start that thread this much later
 */
export async function openDatabase(
  url: string,
  options: {
    authToken?: string;
    encryptionKey?: string;
    backgroundCheckpoint?: boolean;
    checkpointFrames?: number;
    checkpointDelayMs?: number;
  } = {},
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
  const { raw, drizzle } = await connect(
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
  // the write gate (see write_gate.ts)
  const gate = new FifoLock();
  const client = gated(raw, gate, singleConnection, inFlight, timings);
  const db = drizzle(client, { schema }) as Db;
  await migrateIfNeeded(db, client);
  const checkpointer: Checkpointer | null = background
    ? startCheckpointer(path, {
      encryptionKey: options.encryptionKey,
      checkpointFrames: options.checkpointFrames,
      delayMs: options.checkpointDelayMs,
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
 * into a JavaScript object property one at a time, which for a page of messages costs
 * several times what parsing one JSON value does. Only for text and numbers (no blobs).
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
