import type { Db, DbOrTx } from "../../db/client.ts";
import {
  dueDeletedMessages,
  type DueMessage,
  dueOldMessages,
  holdSearchMerges,
  mergeSearchIndexes,
  purgeMessages,
  recordRetentionRun,
  resumeSearchMerges,
  tenantsWithRetention,
} from "../../db/retention.ts";
import { audit } from "../../db/audit.ts";
import type { AttachmentStorage } from "../messages/storage.ts";
import type { TenantId } from "../tenancy.ts";

/** Deleted messages are purged this long after their deletion. */
export const DELETED_MESSAGE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the job runs after the run at start. */
const INTERVAL_MS = 60 * 60 * 1000;
/**
 * One transaction holds the write gate, so sends queue behind it: a batch stops taking new
 * messages once it has worked BATCH_BUDGET_MS (well under the 50 ms a batch may hold the
 * gate, leaving room for its last chunk and the commit) or purged BATCH_MESSAGES, and the
 * job yields to requests and streams before the next.
 */
const BATCH_BUDGET_MS = 15;
/** The first run waits this long after start. */
const START_DELAY_MS = 500;
const BATCH_MESSAGES = 200;
/** Messages purged per statement group inside a batch. */
const CHUNK = 20;
/** Workspaces whose last-run row one batch writes. */
const RECORD_SLICE = 500;
/**
 * A batch holds the search indexes' merges (their cost is not bounded by the messages
 * purged); after every MERGE_EVERY batches, and after the last, transactions of their own
 * merge the segments the batches left. Such a transaction takes merge steps until none is
 * left or it has worked MERGE_BUDGET_MS; a step writes about MERGE_PAGES pages to start
 * with, half as many after a step that took longer than MERGE_STEP_MS and twice as many (up
 * to MERGE_PAGES_MAX) after one that took under a quarter of it.
 */
const MERGE_EVERY = 4;
const MERGE_BUDGET_MS = 10;
const MERGE_PAGES = 16;
const MERGE_PAGES_MAX = 32;
const MERGE_STEP_MS = 5;

/** What one run removed, over every workspace. */
export interface RetentionRun {
  at: number;
  purged_messages: number;
  purged_attachments: number;
  /** Transactions it took. */
  batches: number;
  /** The longest of them, in milliseconds, from taking the write gate to the commit (waiting for it excluded). */
  longest_batch_ms: number;
}

type Counts = Map<string, { messages: number; attachments: number }>;

/**
 * The retention job: purges deleted messages DELETED_MESSAGE_DAYS after their deletion and,
 * in a workspace with `message_retention_days`, messages older than that, with their files.
 * It runs at start and every hour; runs never overlap.
 */
export class RetentionJob {
  #timer: ReturnType<typeof setInterval> | null = null;
  #first: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<RetentionRun> | null = null;
  #stopped = false;
  #mergePages = MERGE_PAGES;

  /**
   * @param now the clock (epoch milliseconds), injectable so tests need not wait 90 days
   */
  constructor(
    readonly db: Db,
    readonly storage: AttachmentStorage,
    readonly now: () => number,
    readonly options: { intervalMs?: number } = {},
  ) {}

  /**
   * Runs once shortly after start (START_DELAY_MS: a restart answers its first requests
   * before the job reads the database) and then every hour, in the background.
   */
  start(): void {
    this.#stopped = false;
    const runLogged = () => {
      this.run().catch((e) => {
        if (!this.#stopped) console.error(JSON.stringify({ level: "error", msg: "retention", error: String(e) }));
      });
    };
    this.#first = setTimeout(runLogged, START_DELAY_MS);
    Deno.unrefTimer(this.#first as unknown as number);
    this.#timer = setInterval(runLogged, this.options.intervalMs ?? INTERVAL_MS);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  /** Stops the timer; a run under way ends after its current batch. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#first !== null) clearTimeout(this.#first);
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }

  /** One run (joins the one under way, if any). */
  run(): Promise<RetentionRun> {
    this.#running ??= this.#run().finally(() => this.#running = null);
    return this.#running;
  }

  async #run(): Promise<RetentionRun> {
    const at = this.now();
    const run: RetentionRun = { at, purged_messages: 0, purged_attachments: 0, batches: 0, longest_batch_ms: 0 };
    const counts: Counts = new Map();
    await this.#purge(run, counts, (db, limit) => dueDeletedMessages(db, at - DELETED_MESSAGE_DAYS * DAY_MS, limit));
    for (const { tenantId, days } of await tenantsWithRetention(this.db)) {
      if (typeof days !== "number" || !Number.isInteger(days) || days < 1) continue;
      const scope = { tenantId: tenantId as TenantId, db: this.db };
      await this.#purge(run, counts, (db, limit) => dueOldMessages(db, scope, at - days * DAY_MS, limit));
    }
    if (this.#stopped) return run;
    let after: string | null = "";
    while (after !== null && !this.#stopped) {
      const from: string = after;
      after = await this.db.transaction((tx) => recordRetentionRun(tx, at, from, RECORD_SLICE, counts));
      run.batches++;
      await yieldTurn();
    }
    const touched = [...counts];
    for (let i = 0; i < touched.length && !this.#stopped; i += RECORD_SLICE) {
      await this.db.transaction(async (tx) => {
        for (const [tenantId, c] of touched.slice(i, i + RECORD_SLICE)) {
          await audit(tx, { tenantId: tenantId as TenantId, db: this.db }, {
            actorId: null,
            action: "retention.purged",
            targetType: "tenant",
            targetId: tenantId,
            data: { purged_messages: c.messages, purged_attachments: c.attachments, at: new Date(at).toISOString() },
          });
        }
      });
      run.batches++;
    }
    return run;
  }

  /** Purges what `due` lists, batch by batch, until it lists nothing or the job stops. */
  async #purge(run: RetentionRun, counts: Counts, due: (db: DbOrTx, limit: number) => Promise<DueMessage[]>) {
    let unmerged = 0;
    while (!this.#stopped) {
      // the gate is held from the transaction's first statement to its commit
      let began = 0;
      const { done, files } = await this.db.transaction(async (tx) => {
        const started = began = performance.now();
        const files: { tenantId: string; key: string }[] = [];
        const merges = await holdSearchMerges(tx);
        let purged = 0;
        let done = false;
        while (purged < BATCH_MESSAGES && performance.now() - started < BATCH_BUDGET_MS) {
          const rows = await due(tx, Math.min(CHUNK, BATCH_MESSAGES - purged));
          if (rows.length === 0) {
            done = true;
            break;
          }
          const result = await purgeMessages(tx, rows, run.at);
          purged += rows.length;
          files.push(...result.files);
          for (const [tenantId, n] of result.messages) count(counts, tenantId).messages += n;
        }
        await resumeSearchMerges(tx, merges);
        return { done, files };
      });
      run.longest_batch_ms = Math.max(run.longest_batch_ms, performance.now() - began);
      run.batches++;
      // the rows are gone: the bytes follow, outside the transaction
      for (const f of files) {
        count(counts, f.tenantId).attachments++;
        await this.storage.delete({ tenantId: f.tenantId as TenantId, db: this.db }, f.key).catch(() => {});
      }
      run.purged_attachments += files.length;
      if (done || ++unmerged === MERGE_EVERY) {
        await this.#mergeSearch(run);
        unmerged = 0;
      }
      if (done) break;
      await yieldTurn();
    }
    run.purged_messages = [...counts.values()].reduce((n, c) => n + c.messages, 0);
  }

  /** Merges the segments the batches left in the search indexes, yielding between transactions. */
  async #mergeSearch(run: RetentionRun) {
    let more = true;
    while (more && !this.#stopped) {
      await yieldTurn();
      let began = 0;
      more = await this.db.transaction(async (tx) => {
        began = performance.now();
        let more = true;
        while (more && performance.now() - began < MERGE_BUDGET_MS) {
          const step = performance.now();
          more = await mergeSearchIndexes(tx, this.#mergePages);
          const took = performance.now() - step;
          if (took > MERGE_STEP_MS) this.#mergePages = Math.max(1, this.#mergePages >> 1);
          else if (took < MERGE_STEP_MS / 4) this.#mergePages = Math.min(MERGE_PAGES_MAX, this.#mergePages * 2);
        }
        return more;
      });
      run.longest_batch_ms = Math.max(run.longest_batch_ms, performance.now() - began);
      run.batches++;
    }
  }
}

function count(counts: Counts, tenantId: string) {
  let c = counts.get(tenantId);
  if (!c) counts.set(tenantId, c = { messages: 0, attachments: 0 });
  return c;
}

function yieldTurn() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
