import type { Db } from "../db/client.ts";
import { recordLastSeen } from "../db/presence.ts";
import type { Bus, BusNews } from "../chat/bus.ts";
import type { ChatEvent } from "../chat/events.ts";
import type { TenantId } from "../chat/tenancy.ts";

export interface PresenceOptions {
  db: Db;
  bus: Bus;
  now: () => number;
  /** Changes are announced in batches at this interval (at most one batch per stream per tick). */
  tickMs?: number;
  /** How long a user stays online after their last stream closed (a reload must not flap). */
  graceMs?: number;
  /** API activity keeps a user online this long. */
  activityMs?: number;
  /** How long another instance's "online" counts without being renewed. */
  leaseMs?: number;
  /**
   * A tenant with more changes than this in one tick gets a single `presence_sync` instead of
   * the list: listing them would cost every stream one event per person, i.e. N² events
   * when N people reconnect at once (a restart, a network blip).
   */
  batchLimit?: number;
  /** Hands a batch of presence events of one tenant to the local streams. */
  deliver: (tenantId: string, events: ChatEvent[]) => void;
}

interface LocalState {
  key: string;
  tenantId: string;
  userId: string;
  streams: number;
  lastActivity: number;
  lastClosed: number;
}

/** Width of the slots the re-evaluation times are kept in. */
const SLOT_MS = 1_000;

/**
 * Who is online, across instances. Each instance knows its own streams and API activity,
 * and tells the others, through the bus, which users it holds online (renewed as a lease,
 * so a crashed instance's users expire). A user is online while any instance holds them;
 * every instance derives the transitions itself and batches them to its local streams.
 * A tick looks only at the users whose state can have changed: each known user has the
 * time of their next possible change (activity or grace running out, a lease to renew or
 * expiring), and whatever can bring a change sooner (a first stream, activity, another
 * instance's news) moves it up. So a tick costs what changed, not a scan of everyone
 * online, which would hold the server's thread in proportion to the people online.
 */
export class Presence {
  readonly instanceId = crypto.randomUUID();
  #local = new Map<string, LocalState>();
  #remote = new Map<string, Map<string, number>>();
  /** The state last announced to local streams. */
  #announced = new Map<string, boolean>();
  /** What this instance last told the others. */
  #leased = new Map<string, number>();
  /** When each user must be looked at next. */
  #due = new Map<string, number>();
  /** The same times, by slot (`SLOT_MS`), so a tick finds the users due without a scan. */
  #slots = new Map<number, Set<string>>();
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #grace: number;
  readonly #activity: number;
  readonly #lease: number;

  constructor(readonly options: PresenceOptions) {
    this.#grace = options.graceMs ?? 5_000;
    this.#activity = options.activityMs ?? 120_000;
    this.#lease = options.leaseMs ?? 75_000;
  }

  start(): void {
    this.#timer = setInterval(() => this.tick(), this.options.tickMs ?? 1_000);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** True while the user has an open stream or recent API activity on any instance. */
  isOnline(tenantId: string, userId: string): boolean {
    const key = `${tenantId}:${userId}`;
    return this.#locallyOnline(this.#local.get(key)) || this.#remotelyOnline(key);
  }

  /** Records API activity. */
  touch(tenantId: string, userId: string): void {
    const state = this.#state(tenantId, userId);
    state.lastActivity = this.options.now();
    this.#heldLocally(state);
  }

  streamOpened(tenantId: string, userId: string): void {
    const state = this.#state(tenantId, userId);
    state.streams++;
    this.#heldLocally(state);
  }

  streamClosed(tenantId: string, userId: string): void {
    const state = this.#state(tenantId, userId);
    state.streams = Math.max(0, state.streams - 1);
    if (state.streams > 0) return;
    state.lastClosed = this.options.now();
    // what the pages did while streaming (loading, sending) was activity of this visit: once
    // its last stream is gone only the grace period holds the user, so a closed tab goes
    // offline in seconds, not when the activity window runs out
    state.lastActivity = -Infinity;
    // offline once the grace period is over (or later, if there was activity)
    this.#schedule(state.key, state.lastClosed + this.#grace);
  }

  /**
   * The user's sessions here were ended (signed out, deactivated): they are offline at the
   * next tick unless a stream of another session is still open, with no grace period and no
   * activity window.
   */
  signedOut(tenantId: string, userId: string): void {
    const state = this.#local.get(`${tenantId}:${userId}`);
    if (!state) return;
    state.lastActivity = state.lastClosed = -Infinity;
    this.#schedule(state.key, this.options.now());
  }

  /** Takes in another instance's lease. */
  receive(news: BusNews): void {
    if (news.kind !== "presence" || news.instanceId === this.instanceId) return;
    const key = `${news.tenantId}:${news.userId}`;
    const now = this.options.now();
    let leases = this.#remote.get(key);
    if (news.online) {
      if (!leases) this.#remote.set(key, leases = new Map());
      leases.set(news.instanceId, now + this.#lease);
      // a renewal for someone already online changes nothing now; its expiry is read when due
      if (this.#announced.get(key) !== true) this.#schedule(key, now);
    } else {
      leases?.delete(news.instanceId);
      if (leases?.size === 0) this.#remote.delete(key);
      this.#schedule(key, now);
    }
  }

  /** Re-evaluates the users whose state may have changed; announces and persists the transitions. */
  tick(): void {
    const now = this.options.now();
    const changes = new Map<string, ChatEvent[]>();
    const slots = [...this.#slots.keys()].filter((slot) => slot * SLOT_MS <= now);
    for (const slot of slots) {
      const keys = this.#slots.get(slot)!;
      this.#slots.delete(slot);
      for (const key of keys) {
        const due = this.#due.get(key);
        if (due === undefined) continue;
        if (due > now) {
          // later in this slot: keep it for the next tick
          this.#slotOf(due).add(key);
          continue;
        }
        this.#due.delete(key);
        this.#evaluate(key, now, changes);
      }
    }
    const limit = this.options.batchLimit ?? 50;
    for (const [tenantId, events] of changes) {
      this.options.deliver(tenantId, events.length > limit ? [presenceSyncEvent(tenantId, now)] : events);
    }
  }

  #evaluate(key: string, now: number, changes: Map<string, ChatEvent[]>) {
    const local = this.#local.get(key);
    const separator = key.indexOf(":");
    const tenantId = key.slice(0, separator);
    const userId = key.slice(separator + 1);
    const locallyOnline = this.#locallyOnline(local);
    this.#renewLease(key, tenantId, userId, locallyOnline, now);
    // (this also forgets the other instances' expired leases)
    const remotelyOnline = this.#remotelyOnline(key);
    const online = locallyOnline || remotelyOnline;
    if ((this.#announced.get(key) ?? false) !== online) {
      if (online) this.#announced.set(key, true);
      else this.#announced.delete(key);
      if (!online && local) {
        recordLastSeen({ tenantId: tenantId as TenantId, db: this.options.db }, userId, new Date(now)).catch(
          () => {},
        );
      }
      let list = changes.get(tenantId);
      if (!list) changes.set(tenantId, list = []);
      list.push(presenceEvent(tenantId, userId, online, now));
    }
    if (local && !locallyOnline) this.#local.delete(key);
    // the next time anything can change without news: the lease to renew, activity and
    // grace running out, another instance's lease expiring
    let next = Infinity;
    if (local && locallyOnline) {
      if (local.streams === 0) next = Math.max(local.lastActivity + this.#activity, local.lastClosed + this.#grace);
      const leased = this.#leased.get(key);
      if (leased !== undefined) next = Math.min(next, leased + this.#lease / 3 + 1);
    }
    for (const expires of this.#remote.get(key)?.values() ?? []) next = Math.min(next, expires);
    if (next !== Infinity) this.#schedule(key, next);
  }

  /** A user held here but not yet announced to the others gets looked at in the next tick. */
  #heldLocally(state: LocalState) {
    if (!this.#leased.has(state.key)) this.#schedule(state.key, this.options.now());
  }

  /**
   * Makes sure a user is looked at no later than `at`; an earlier time already set stays
   * (that look sets the next time from the state as it is then).
   */
  #schedule(key: string, at: number) {
    const due = this.#due.get(key);
    if (due !== undefined && due <= at) return;
    this.#due.set(key, at);
    this.#slotOf(at).add(key);
  }

  #slotOf(at: number): Set<string> {
    const slot = Math.floor(at / SLOT_MS);
    let keys = this.#slots.get(slot);
    if (!keys) this.#slots.set(slot, keys = new Set());
    return keys;
  }

  #renewLease(key: string, tenantId: string, userId: string, online: boolean, now: number) {
    const last = this.#leased.get(key);
    // renew well before the lease runs out on the other instances
    const due = online ? last === undefined || now - last > this.#lease / 3 : last !== undefined;
    if (!due) return;
    if (online) this.#leased.set(key, now);
    else this.#leased.delete(key);
    this.options.bus.publish({ kind: "presence", instanceId: this.instanceId, tenantId, userId, online });
  }

  #locallyOnline(state: LocalState | undefined): boolean {
    if (!state) return false;
    const now = this.options.now();
    return state.streams > 0 || now - state.lastActivity < this.#activity || now - state.lastClosed < this.#grace;
  }

  #remotelyOnline(key: string): boolean {
    const leases = this.#remote.get(key);
    if (!leases) return false;
    const now = this.options.now();
    for (const [instance, expires] of leases) if (expires <= now) leases.delete(instance);
    if (leases.size === 0) this.#remote.delete(key);
    return leases.size > 0;
  }

  #state(tenantId: string, userId: string): LocalState {
    const key = `${tenantId}:${userId}`;
    let state = this.#local.get(key);
    if (!state) {
      this.#local.set(
        key,
        state = { key, tenantId, userId, streams: 0, lastActivity: -Infinity, lastClosed: -Infinity },
      );
    }
    return state;
  }
}

function presenceEvent(tenantId: string, userId: string, online: boolean, now: number): ChatEvent {
  return {
    id: 0,
    tenantId,
    type: "presence",
    data: { user_id: userId, is_online: online, last_seen: new Date(now).toISOString() },
    conversationId: null,
    userId,
    createdAt: now,
  };
}

function presenceSyncEvent(tenantId: string, now: number): ChatEvent {
  return { id: 0, tenantId, type: "presence_sync", data: {}, conversationId: null, userId: null, createdAt: now };
}
