import type { Db } from "../db/client.ts";
import { readEventsAfter } from "../db/events.ts";
import { eventLogBounds, purgeExpiredEvents } from "../db/event_replay.ts";
import type { Bus, BusNews } from "../chat/bus.ts";
import type { ChatEvent } from "../chat/events.ts";
import { MembershipCache } from "./membership_cache.ts";
import type { RealtimeMetrics } from "./metrics.ts";
import { endStaleStreams } from "./stream_sessions.ts";
import { encodeComment, encodeFrame, joinFrames } from "./sse_frame.ts";
import type { Listener } from "./subscriber.ts";
import { WriteBatch } from "./write_batch.ts";

/** What the hub tells presence about streams opening and closing. */
export interface StreamPresence {
  streamOpened(tenantId: string, userId: string): void;
  streamClosed(tenantId: string, userId: string): void;
  receive(news: BusNews): void;
}

export interface HubOptions {
  db: Db;
  bus: Bus;
  metrics: RealtimeMetrics;
  retentionHours: number;
  now?: () => number;
  /** Safety-net read of the log when no notification came (e.g. while Redis is down). */
  pollIntervalMs?: number;
  heartbeatMs?: number;
}

/** Limits a registration applies. */
export interface RegisterOptions {
  /** The most streams one user may hold open; opening one more ends their oldest. */
  streamsPerUser?: number;
}

const HEARTBEAT = encodeComment("heartbeat");
/**
 * Streams are split into this many groups for heartbeats, one group per slice of the
 * heartbeat interval: each stream still gets one per interval, and the server's thread
 * spends 4 ms at a time on them with 10,000 streams instead of 80 ms at once.
 */
const HEARTBEAT_SLICES = 20;
const TAIL_PAGE = 100;
/** A page's frames are written once this many are queued, so the first events of a long page do not wait for the last. */
const FLUSH_FRAMES = 4096;
/**
 * A hand-off of up to this many frames is written before the committing request answers;
 * a bigger one after (see `#handOff`).
 */
const WRITE_FIRST_FRAMES = 1_000;
/** Under load, streams get at most one write per this many milliseconds (see `#flushSoon`). */
const COALESCE_MS = 4;

/** A FIFO lock: the tail reader, cache loads and registrations take turns. */
class Lock {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => {});
    return result;
  }
}

/**
 * The process's single reader of the event log and its registry of local listeners.
 * When the bus announces news, the hub reads the events after its cursor once, in id
 * order, and hands each to the local listeners who may see it, from memory. The bus only
 * wakes it up: late, duplicate or lost notifications cannot reorder or drop events,
 * because the log (and the cursor into it) is the truth.
 */
export class Hub {
  readonly members: MembershipCache;
  presence: StreamPresence | null = null;
  #cursor = 0;
  #lock = new Lock();
  #draining = false;
  #again = false;
  #listeners = new Map<string, Map<string, Set<Listener>>>();
  /** The open streams in their heartbeat groups (see `HEARTBEAT_SLICES`). */
  #heartbeatGroups: Set<Listener>[] = Array.from({ length: HEARTBEAT_SLICES }, () => new Set());
  #nextHeartbeatGroup = 0;
  #joinedGroups = 0;
  /** The heartbeat groups whose session re-check is still waiting for the database. */
  #rechecking = new Set<Set<Listener>>();
  #timers: ReturnType<typeof setInterval>[] = [];
  #unsubscribe: (() => void) | null = null;
  #now: () => number;
  /** Frames routed but not yet written, with the commit times of their events. */
  #batch = new WriteBatch();
  #handedOut: number[] = [];
  #lastFlush = -Infinity;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly options: HubOptions) {
    this.members = new MembershipCache(options.db);
    this.#now = options.now ?? Date.now;
  }

  /** The id of the last event this process has handed out. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Starts following the log from its current end. */
  async start(): Promise<void> {
    this.#cursor = (await eventLogBounds(this.options.db)).latest;
    this.#unsubscribe = this.options.bus.subscribe((news) => this.#onNews(news));
    this.#timers.push(
      setInterval(() => this.drain(), this.options.pollIntervalMs ?? 1000),
      setInterval(() => this.#heartbeat(), (this.options.heartbeatMs ?? 20_000) / HEARTBEAT_SLICES),
      setInterval(() => this.purge(), 15 * 60_000),
    );
  }

  /**
   * Stops: closes every listener with a reconnect hint so clients resume elsewhere.
   * @param retryMs how soon clients should reconnect
   */
  stop(retryMs = 500): void {
    this.#timers.forEach(clearInterval);
    this.#timers = [];
    this.#unsubscribe?.();
    this.#flush();
    for (const listener of this.#all()) listener.close(retryMs);
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
        await this.#lock.run(() => this.#readTail());
      } while (this.#again);
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "event tail read failed", error: String(e) }));
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Adds a listener. Returns the cursor it is live from: every later event reaches it
   * live, every earlier one must come from replay.
   * @param listener the stream or long-poll
   * @param options limits to apply
   */
  register(listener: Listener, options: RegisterOptions = {}): Promise<number> {
    return this.#lock.run(async () => {
      await this.members.pinUser(listener.tenantId, listener.userId);
      let tenant = this.#listeners.get(listener.tenantId);
      if (!tenant) this.#listeners.set(listener.tenantId, tenant = new Map());
      let mine = tenant.get(listener.userId);
      if (!mine) tenant.set(listener.userId, mine = new Set());
      mine.add(listener);
      if (listener.isStream) {
        this.#heartbeatGroups[this.#joinedGroups++ % HEARTBEAT_SLICES].add(listener);
        this.options.metrics.openStreams++;
        this.presence?.streamOpened(listener.tenantId, listener.userId);
        if (options.streamsPerUser !== undefined) this.#endOldestStreams(mine, options.streamsPerUser);
      }
      return this.#cursor;
    });
  }

  /**
   * Removes a listener.
   * @param listener the stream or long-poll
   */
  unregister(listener: Listener): void {
    const tenant = this.#listeners.get(listener.tenantId);
    const mine = tenant?.get(listener.userId);
    if (!mine?.delete(listener)) return;
    if (listener.isStream) {
      for (const group of this.#heartbeatGroups) if (group.delete(listener)) break;
      this.options.metrics.openStreams--;
      this.presence?.streamClosed(listener.tenantId, listener.userId);
    }
    if (mine.size > 0) return;
    tenant!.delete(listener.userId);
    this.members.unpinUser(listener.tenantId, listener.userId);
    if (tenant!.size === 0) this.#listeners.delete(listener.tenantId);
  }

  /**
   * True when the user takes part in the conversation now (from the membership cache).
   * @param tenantId the tenant
   * @param conversationId the conversation
   * @param userId the user
   */
  isParticipant(tenantId: string, conversationId: string, userId: string): Promise<boolean> {
    return this.#lock.run(async () => (await this.members.members(tenantId, conversationId)).has(userId));
  }

  /**
   * Hands a batch of presence changes to the local listeners allowed to see them: tenant
   * members see everyone in the tenant, guests only people they share a conversation with.
   * Members get one shared chunk, so a batch costs one write per stream.
   * @param tenantId the tenant
   * @param events presence events
   */
  deliverPresence(tenantId: string, events: ChatEvent[]): void {
    const tenant = this.#listeners.get(tenantId);
    if (!tenant || events.length === 0) return;
    const frames = events.map((e) => encodeFrame({ event: e.type, data: JSON.stringify(e.data) }));
    const shared = joinFrames(frames);
    for (const [userId, listeners] of tenant) {
      for (const listener of listeners) {
        if (listener.role !== "guest") {
          listener.deliverBatch(events, shared);
          continue;
        }
        // a sync names nobody; presence of someone else only if they share a conversation
        const visible = events.flatMap((e, i) =>
          !e.userId || this.members.shareConversation(tenantId, userId, e.userId) ? [i] : []
        );
        if (visible.length === 0) continue;
        listener.deliverBatch(visible.map((i) => events[i]), joinFrames(visible.map((i) => frames[i])));
      }
    }
  }

  /** Deletes events older than the retention window. */
  async purge(): Promise<void> {
    const before = new Date(this.#now() - this.options.retentionHours * 3_600_000);
    try {
      await purgeExpiredEvents(this.options.db, before);
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "event purge failed", error: String(e) }));
    }
  }

  #onNews(news: BusNews) {
    if (news.kind === "events") {
      if (news.lastEventId <= this.#cursor) return;
      const committed = news.committed;
      if (committed) this.#lock.run(() => this.#handOff(committed)).catch((e) => this.#handOffFailed(e));
      else setImmediate(() => this.drain());
    } else if (news.kind === "ephemeral") {
      this.#lock.run(() => this.#routeEphemeral(news.event));
    } else if (news.kind === "revoked") {
      // after the registrations already queued: a stream whose session was checked just
      // before the revocation, and is still being registered, ends too
      this.#lock.run(() => Promise.resolve(this.#endRevoked(news.tenantId, news.userId, news.sessionId)));
    } else {
      this.presence?.receive(news);
    }
  }

  /**
   * Routes the events this process just committed without reading them back, when they
   * directly follow the cursor; otherwise (another instance's events come first, or a read
   * got ahead) the log is read as for any news. Either way the cursor moves in id order and
   * each event is handed out once. A small hand-off (a group of a hundred) is written at
   * once, before the committing request answers: its recipients get the message about
   * 0.4 ms sooner, the time the answer takes to write, and the sender waits for a hundred
   * socket writes (about 1 ms). A big one waits for the rest of the task, so the sender
   * gets the answer first instead of after the writes to every stream (80–100 ms for
   * 10,000 of them).
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
        if (await this.#route(event, this.#batch)) this.#handedOut.push(event.createdAt);
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
          if (await this.#route(event, this.#batch)) this.#handedOut.push(event.createdAt);
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
   * Writes the routed frames now, unless the last write to the streams was under
   * COALESCE_MS ago: then they wait out the rest of it, and whatever else arrives
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
    this.#lastFlush = performance.now();
    this.#batch.flush();
    const now = Date.now();
    for (const createdAt of this.#handedOut) this.options.metrics.fanoutLatency.observe(Math.max(0, now - createdAt));
    this.#handedOut.length = 0;
  }

  /** Hands one event to the local listeners who may see it; true when anyone took it. */
  async #route(event: ChatEvent, batch: WriteBatch): Promise<boolean> {
    const tenant = this.#listeners.get(event.tenantId);
    if (!tenant) {
      this.members.apply(event);
      return false;
    }
    // the membership change is applied before delivery, so a removal takes effect at once
    const members = event.conversationId ? await this.members.members(event.tenantId, event.conversationId) : null;
    this.members.apply(event);
    let frame: Uint8Array | null = null;
    let delivered = 0;
    const send = (userId: string) => {
      const listeners = tenant.get(userId);
      if (!listeners) return;
      frame ??= encodeFrame({ id: event.id, event: event.type, data: JSON.stringify(event.data) });
      for (const listener of listeners) if (listener.deliver(event, frame, batch)) delivered++;
    };
    if (members) {
      if (members.size <= tenant.size) { for (const userId of members) send(userId); }
      else for (const userId of tenant.keys()) if (members.has(userId)) send(userId);
    }
    if (event.userId && !members?.has(event.userId)) send(event.userId);
    this.options.metrics.eventsDelivered += delivered;
    return delivered > 0;
  }

  async #routeEphemeral(event: ChatEvent) {
    const tenant = this.#listeners.get(event.tenantId);
    if (!tenant || !event.conversationId) return;
    const members = await this.members.members(event.tenantId, event.conversationId);
    const frame = encodeFrame({ event: event.type, data: JSON.stringify(event.data) });
    for (const userId of members) {
      // typing goes to the other participants only
      if (event.type === "typing" && userId === event.data.user_id) continue;
      for (const listener of tenant.get(userId) ?? []) listener.deliver(event, frame);
    }
  }

  /** Writes a heartbeat to the next group of streams, and re-checks their sessions. */
  #heartbeat() {
    const group = this.#heartbeatGroups[this.#nextHeartbeatGroup];
    this.#nextHeartbeatGroup = (this.#nextHeartbeatGroup + 1) % HEARTBEAT_SLICES;
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
      await endStaleStreams(this.options.db, [...group], this.#now());
    } catch (e) {
      // a database that cannot answer for a moment does not end every stream
      console.error(JSON.stringify({ level: "error", msg: "session re-check failed", error: String(e) }));
    } finally {
      this.#rechecking.delete(group);
    }
  }

  /**
   * Ends a user's local streams and long-polls: those of one session, or all of them.
   * @param tenantId the user's tenant
   * @param userId the user
   * @param sessionId only this session's, when given
   */
  #endRevoked(tenantId: string, userId: string, sessionId: string | undefined) {
    const mine = this.#listeners.get(tenantId)?.get(userId);
    if (!mine) return;
    // closing unregisters, so the set is copied first
    for (const listener of [...mine]) {
      if (sessionId === undefined || listener.sessionId === sessionId) listener.close();
    }
  }

  /**
   * Ends a user's oldest streams beyond the limit. The limit holds per instance: the
   * streams a user holds on other instances are not counted.
   * @param mine the user's listeners, oldest first (a Set keeps insertion order)
   * @param limit how many streams may stay open
   */
  #endOldestStreams(mine: Set<Listener>, limit: number) {
    const streams = [...mine].filter((l) => l.isStream);
    for (const oldest of streams.slice(0, Math.max(0, streams.length - limit))) oldest.close();
  }

  *#all(): Iterable<Listener> {
    for (const tenant of this.#listeners.values()) {
      for (const listeners of tenant.values()) yield* [...listeners];
    }
  }
}
