import type { Db } from "../db/client.ts";
import { encodeComment } from "./sse_frame.ts";
import { endStaleStreams } from "./stream_sessions.ts";
import type { Listener } from "./subscriber.ts";

const HEARTBEAT = encodeComment("heartbeat");
/**
 * Streams are split into this many groups, one served per slice of the heartbeat
 * interval: each stream still gets one heartbeat per interval, and the server's thread
 * spends a twentieth of the time at once on them.
 */
const HEARTBEAT_SLICES = 20;

/**
 * The open streams in their heartbeat groups. Each slice of the interval, the next group
 * gets a heartbeat comment and its sessions are re-checked.
 */
export class Heartbeats {
  #groups: Set<Listener>[] = Array.from({ length: HEARTBEAT_SLICES }, () => new Set());
  #next = 0;
  #joined = 0;
  /** The groups whose session re-check is still waiting for the database. */
  #rechecking = new Set<Set<Listener>>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(readonly options: { db: Db; now: () => number; heartbeatMs?: number }) {}

  /** Starts serving one group per slice of the heartbeat interval. */
  start(): void {
    this.#timer = setInterval(() => this.#beat(), (this.options.heartbeatMs ?? 20_000) / HEARTBEAT_SLICES);
  }

  /** Stops the heartbeats; the streams stay in their groups. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * Puts a new stream in the next group in turn.
   * @param stream the stream
   */
  add(stream: Listener): void {
    this.#groups[this.#joined++ % HEARTBEAT_SLICES].add(stream);
  }

  /**
   * Takes a closed stream out of its group.
   * @param stream the stream
   */
  remove(stream: Listener): void {
    for (const group of this.#groups) if (group.delete(stream)) break;
  }

  /** Writes a heartbeat to the next group of streams, and re-checks their sessions. */
  #beat() {
    const group = this.#groups[this.#next];
    this.#next = (this.#next + 1) % HEARTBEAT_SLICES;
    // a write that finds the client gone unregisters it, which a Set's iteration allows
    for (const listener of group) listener.write(HEARTBEAT);
    this.#recheck(group);
  }

  /**
   * Re-checks the sessions of a group's streams (see `endStaleStreams`). Revocations are
   * announced on the bus; this catches what no news told: expiry, a change made in the
   * database directly, news lost while the bus was down. One query per group, so each
   * stream is re-checked once per heartbeat interval at the cost of one query per slice.
   * @param group one heartbeat group
   */
  async #recheck(group: Set<Listener>) {
    if (group.size === 0 || this.#rechecking.has(group)) return;
    this.#rechecking.add(group);
    try {
      // only the streams open when the query starts: a later one may hold a newer role
      await endStaleStreams(this.options.db, [...group], this.options.now());
    } catch (e) {
      // a database that cannot answer for a moment does not end every stream
      console.error(JSON.stringify({ level: "error", msg: "session re-check failed", error: String(e) }));
    } finally {
      this.#rechecking.delete(group);
    }
  }
}
