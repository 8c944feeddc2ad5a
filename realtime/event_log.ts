import type { Db } from "../db/client.ts";
import { readEventsAfter } from "../db/events.ts";
import { eventLogBounds, purgeExpiredEvents } from "../db/event_replay.ts";
import { FifoLock } from "../db/fifo_lock.ts";
import type { ChatEvent } from "../chat/events.ts";
import type { RealtimeMetrics } from "./metrics.ts";
import { WriteBatch } from "./write_batch.ts";

/** Where the log sends each event it reads: the registry of local listeners. */
export interface EventRouter {
  /** Hands one event to the local listeners who may see it, queuing frames in the batch; true when anyone took it. */
  route(event: ChatEvent, batch: WriteBatch): Promise<boolean>;
}

/** What the log reads from and reports to, and its timings. */
export interface EventLogOptions {
  db: Db;
  metrics: RealtimeMetrics;
  retentionHours: number;
  now: () => number;
  /** Safety-net read of the log when no notification came (e.g. while Redis is down). */
  pollIntervalMs?: number;
}

const TAIL_PAGE = 100;
/** A page's frames are written once this many are queued, so the first events of a long page do not wait for the last. */
const FLUSH_FRAMES = 4096;
/**
 * A hand-off of up to this many frames is written before the committing request answers;
 * a bigger one after (see `handOff`).
 */
const WRITE_FIRST_FRAMES = 1_000;
/** Under load, streams get at most one write per this many milliseconds (see `#flushSoon`). */
const COALESCE_MS = 4;
/**
 * A write of at most this many frames (an event for one or two people, such as a streaming
 * answer's snapshot) does not make the next one wait: the waiting saves writes to many
 * streams, and a write this small made few.
 */
const SMALL_WRITE_FRAMES = 8;
const PURGE_INTERVAL_MS = 15 * 60_000;

/**
 * The process's single reader of the event log: a cursor into the log, the events after
 * it read once in id order (or handed over as committed by this process), routed, and
 * their frames written to the streams in coalesced batches. The log and the cursor into
 * it are the truth: late, duplicate or lost notifications cannot reorder or drop events.
 */
export class EventLog {
  /** The tail reader, cache loads and registrations take turns here. */
  readonly lock = new FifoLock();
  #cursor = 0;
  #draining = false;
  #again = false;
  /** Frames routed but not yet written, with the commit times of their events. */
  #batch = new WriteBatch();
  #handedOut: number[] = [];
  #lastFlush = -Infinity;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #timers: ReturnType<typeof setInterval>[] = [];

  constructor(readonly options: EventLogOptions, readonly router: EventRouter) {}

  /** The id of the last event this process has handed out. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Starts following the log from its current end, with the safety-net read and the purge on timers. */
  async start(): Promise<void> {
    this.#cursor = (await eventLogBounds(this.options.db)).latest;
    this.#timers.push(
      setInterval(() => this.drain(), this.options.pollIntervalMs ?? 1000),
      setInterval(() => this.purge(), PURGE_INTERVAL_MS),
    );
  }

  /** Stops the timers and writes what is still queued. */
  stop(): void {
    this.#timers.forEach(clearInterval);
    this.#timers = [];
    this.#flush();
  }

  /** Reads and routes every event after the cursor; coalesces concurrent calls. */
  async drain(): Promise<void> {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#again = false;
        await this.lock.run(() => this.#readTail());
      } while (this.#again);
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "event tail read failed", error: String(e) }));
    } finally {
      this.#draining = false;
    }
  }

  /** Deletes events older than the retention window. */
  async purge(): Promise<void> {
    const before = new Date(this.options.now() - this.options.retentionHours * 3_600_000);
    try {
      await purgeExpiredEvents(this.options.db, before);
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "event purge failed", error: String(e) }));
    }
  }

  /**
   * Takes the events this process just committed, in its turn at the lock (see `#handOff`).
   * @param events the events of one commit, as written, in id order
   */
  committed(events: ChatEvent[]): void {
    this.lock.run(() => this.#handOff(events)).catch((e) => this.#handOffFailed(e));
  }

  /**
   * Routes the events this process just committed without reading them back, when they
   * directly follow the cursor; otherwise (another instance's events come first, or a read
   * got ahead) the log is read as for any news. Either way the cursor moves in id order and
   * each event is handed out once. A small hand-off is written at once, before the
   * committing request answers, so its recipients do not wait for the answer to be written
   * and the sender waits for only a few socket writes. A big one waits for the rest of the
   * task, so the sender gets the answer first instead of after the writes to every stream.
   * @param events the events of one commit, as written, in id order
   */
  async #handOff(events: ChatEvent[]) {
    if (events[0].id !== this.#cursor + 1) {
      // a read of the log got here first (nothing left to do), or other events come first
      if (events.at(-1)!.id > this.#cursor) setImmediate(() => this.drain());
      return;
    }
    try {
      for (const event of events) {
        if (await this.router.route(event, this.#batch)) this.#handedOut.push(event.createdAt);
        this.#cursor = event.id;
        this.options.metrics.eventsPublished++;
      }
    } finally {
      if (this.#batch.count <= WRITE_FIRST_FRAMES) this.#flushSoon();
      else setImmediate(() => this.#flushSoon());
    }
  }

  #handOffFailed(error: unknown) {
    console.error(JSON.stringify({ level: "error", msg: "event hand-off failed", error: String(error) }));
    // what was not handed out is still in the log
    setImmediate(() => this.drain());
  }

  async #readTail() {
    while (true) {
      const page = await readEventsAfter<ChatEvent>(this.options.db, this.#cursor, TAIL_PAGE);
      try {
        for (const event of page) {
          if (await this.router.route(event, this.#batch)) this.#handedOut.push(event.createdAt);
          this.#cursor = event.id;
          if (this.#batch.count >= FLUSH_FRAMES) this.#flush();
        }
      } finally {
        this.#flushSoon();
      }
      this.options.metrics.eventsPublished += page.length;
      if (page.length < TAIL_PAGE) return;
      // a backlog goes out page by page, letting the streams flush in between, so a burst
      // does not overrun the queues of clients that do keep up
      this.#flush();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /**
   * Writes the routed frames now, unless the last write to the streams (of more than
   * SMALL_WRITE_FRAMES frames) was under COALESCE_MS ago: then they wait out the rest of it, and whatever else arrives
   * meanwhile goes out in the same write. Each write costs every stream a socket write,
   * so under load this turns one write per event into one per interval; at a calm rate
   * nothing waits.
   */
  #flushSoon() {
    if (this.#batch.count === 0 || this.#flushTimer !== null) return;
    const since = performance.now() - this.#lastFlush;
    if (since >= COALESCE_MS) return this.#flush();
    this.#flushTimer = setTimeout(() => this.#flush(), COALESCE_MS - since);
  }

  #flush() {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (this.#batch.count > SMALL_WRITE_FRAMES) this.#lastFlush = performance.now();
    this.#batch.flush();
    const now = Date.now();
    for (const createdAt of this.#handedOut) this.options.metrics.fanoutLatency.observe(Math.max(0, now - createdAt));
    this.#handedOut.length = 0;
  }
}
