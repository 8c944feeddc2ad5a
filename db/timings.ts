import { Histogram } from "./histogram.ts";

/** Statements take tens of microseconds; a slow disk or a long transaction, milliseconds. */
const DB_BUCKETS_MS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000];

/** What the database spends its time on, by kind of operation. */
export type DbOperation = "statement" | "batch" | "transaction";

/**
 * Database timings for `GET /metrics`: single statements (`statement`, mostly reads), batches
 * as committed (`batch`; concurrent write batches commit together as one), and interactive
 * transactions from begin to commit or rollback (`transaction`, including the work done
 * inside them). Each is timed as its caller waits for it: from the call until its promise
 * settles, so under load the turns of the event loop spent on other requests count too
 * (SQLite itself takes tens of microseconds for a typical statement here).
 */
export class DbTimings {
  readonly #histograms: Record<DbOperation, Histogram> = {
    statement: new Histogram(DB_BUCKETS_MS),
    batch: new Histogram(DB_BUCKETS_MS),
    transaction: new Histogram(DB_BUCKETS_MS),
  };

  /**
   * Records one operation.
   * @param operation its kind
   * @param startedAt `performance.now()` when it began
   */
  observe(operation: DbOperation, startedAt: number): void {
    this.#histograms[operation].observe(performance.now() - startedAt);
  }

  /**
   * Times a promise-returning operation. Returns its own promise, so the caller waits no
   * extra turn for the bookkeeping.
   * @param operation its kind
   * @param run the operation
   */
  time<T>(operation: DbOperation, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    const result = run();
    const done = () => this.observe(operation, startedAt);
    result.then(done, done);
    return result;
  }

  /** The Prometheus text exposition. */
  render(): string {
    const name = "parley_db_seconds";
    const lines = [
      `# HELP ${name} Database operations: single statements, committed batches, transactions from begin to end.`,
      `# TYPE ${name} histogram`,
    ];
    for (const [operation, histogram] of Object.entries(this.#histograms)) {
      lines.push(...histogram.lines(name, `op="${operation}"`));
    }
    return lines.join("\n") + "\n";
  }
}
