import type { Db } from "../db/client.ts";
import type { FifoLock } from "../db/fifo_lock.ts";
import type { Bus, BusNews } from "../chat/bus.ts";
import { type ChatEvent, isAgentEvent } from "../chat/events.ts";
import { EventLog } from "./event_log.ts";
import { Heartbeats } from "./heartbeats.ts";
import { MembershipCache } from "./membership_cache.ts";
import type { RealtimeMetrics } from "./metrics.ts";
import { encodeFrame, joinFrames } from "./sse_frame.ts";
import type { Listener } from "./subscriber.ts";
import type { WriteBatch } from "./write_batch.ts";

/** What the hub tells presence about streams opening and closing. */
export interface StreamPresence {
  streamOpened(tenantId: string, userId: string): void;
  streamClosed(tenantId: string, userId: string): void;
  signedOut(tenantId: string, userId: string): void;
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

/**
 * The process's registry of local listeners, fed by its single reader of the event log
 * (see `EventLog`). When the bus announces news, the log is read after its cursor once,
 * in id order, and each event is handed to the local listeners who may see it, from
 * memory. The bus only wakes the reader up; the log is the truth.
 */
export class Hub {
  readonly members: MembershipCache;
  presence: StreamPresence | null = null;
  #log: EventLog;
  #lock: FifoLock;
  #heartbeats: Heartbeats;
  #listeners = new Map<string, Map<string, Set<Listener>>>();
  #unsubscribe: (() => void) | null = null;

  constructor(readonly options: HubOptions) {
    const now = options.now ?? Date.now;
    this.members = new MembershipCache(options.db);
    this.#log = new EventLog({ ...options, now }, { route: (event, batch) => this.#route(event, batch) });
    this.#lock = this.#log.lock;
    this.#heartbeats = new Heartbeats({ db: options.db, now, heartbeatMs: options.heartbeatMs });
  }

  /** The id of the last event this process has handed out. */
  get cursor(): number {
    return this.#log.cursor;
  }

  /** Starts following the log from its current end. */
  async start(): Promise<void> {
    await this.#log.start();
    this.#unsubscribe = this.options.bus.subscribe((news) => this.#onNews(news));
    this.#heartbeats.start();
  }

  /**
   * Stops: closes every listener with a reconnect hint so clients resume elsewhere.
   * @param retryMs how soon clients should reconnect
   */
  stop(retryMs = 500): void {
    this.#heartbeats.stop();
    this.#unsubscribe?.();
    this.#log.stop();
    for (const listener of this.#all()) listener.close(retryMs);
  }

  /** Reads and routes every event after the cursor; coalesces concurrent calls. */
  drain(): Promise<void> {
    return this.#log.drain();
  }

  /** Deletes events older than the retention window. */
  purge(): Promise<void> {
    return this.#log.purge();
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
        this.#heartbeats.add(listener);
        this.options.metrics.openStreams++;
        this.presence?.streamOpened(listener.tenantId, listener.userId);
        if (options.streamsPerUser !== undefined) this.#endOldestStreams(mine, options.streamsPerUser);
      }
      return this.#log.cursor;
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
      this.#heartbeats.remove(listener);
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

  #onNews(news: BusNews) {
    if (news.kind === "events") {
      if (news.lastEventId <= this.#log.cursor) return;
      if (news.committed) this.#log.committed(news.committed);
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
    if (isAgentEvent(event.type)) {
      // queue news goes to every agent of the workspace, never to a guest
      for (const [userId, listeners] of tenant) if (listeners.values().next().value?.role !== "guest") send(userId);
    } else if (members) {
      if (members.size <= tenant.size) { for (const userId of members) send(userId); }
      else for (const userId of tenant.keys()) if (members.has(userId)) send(userId);
    }
    if (event.userId && !members?.has(event.userId)) send(event.userId);
    // a new channel is news to every member of the workspace (anyone but guests may join it)
    if (event.type === "conversation_created" && event.data.conversation.kind === "channel") {
      for (const [userId, listeners] of tenant) {
        if (members?.has(userId)) continue;
        frame ??= encodeFrame({ id: event.id, event: event.type, data: JSON.stringify(event.data) });
        for (const listener of listeners) {
          if (listener.role !== "guest" && listener.deliver(event, frame, batch)) delivered++;
        }
      }
    }
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

  /**
   * Ends a user's local streams and long-polls: those of one session, or all of them.
   * @param tenantId the user's tenant
   * @param userId the user
   * @param sessionId only this session's, when given
   */
  #endRevoked(tenantId: string, userId: string, sessionId: string | undefined) {
    const mine = this.#listeners.get(tenantId)?.get(userId);
    // closing unregisters, so the set is copied first
    for (const listener of [...mine ?? []]) {
      if (sessionId === undefined || listener.sessionId === sessionId) listener.close();
    }
    this.presence?.signedOut(tenantId, userId);
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
