import type { Db } from "../db/client.ts";
import type { Bus } from "../chat/bus.ts";
import { Hub } from "./hub.ts";
import { RealtimeMetrics } from "./metrics.ts";
import { Presence } from "./presence.ts";
import { TypingTracker } from "./typing.ts";

/** Tunables of the real-time layer; tests shorten them. */
export interface RealtimeOptions {
  retentionHours: number;
  now?: () => number;
  pollIntervalMs?: number;
  heartbeatMs?: number;
  presenceTickMs?: number;
  presenceGraceMs?: number;
  /** A tick with more presence changes than this in one tenant sends one `presence_sync` instead. */
  presenceBatchLimit?: number;
  /** Per-stream queue bound; a stream further behind than this is dropped. */
  maxQueuedBytes?: number;
}

/** The process's real-time machinery: the hub, presence, typing and their metrics. */
export interface Realtime {
  hub: Hub;
  presence: Presence;
  typing: TypingTracker;
  metrics: RealtimeMetrics;
  maxQueuedBytes: number;
  start(): Promise<void>;
  /** Closes every stream with a reconnect hint and stops the timers. */
  stop(retryMs?: number): void;
}

/**
 * Builds the real-time layer on a database and a bus. Nothing runs until `start()`.
 * @param db the database holding the event log
 * @param bus the bus shared with the other instances
 * @param options retention and timings
 */
export function createRealtime(db: Db, bus: Bus, options: RealtimeOptions): Realtime {
  const now = options.now ?? Date.now;
  const metrics = new RealtimeMetrics();
  const hub = new Hub({
    db,
    bus,
    metrics,
    now,
    retentionHours: options.retentionHours,
    pollIntervalMs: options.pollIntervalMs,
    heartbeatMs: options.heartbeatMs,
  });
  const presence = new Presence({
    db,
    bus,
    now,
    tickMs: options.presenceTickMs,
    graceMs: options.presenceGraceMs,
    batchLimit: options.presenceBatchLimit,
    deliver: (tenantId, events) => hub.deliverPresence(tenantId, events),
  });
  hub.presence = presence;
  return {
    hub,
    presence,
    typing: new TypingTracker(now),
    metrics,
    maxQueuedBytes: options.maxQueuedBytes ?? 1024 * 1024,
    async start() {
      await hub.start();
      presence.start();
      metrics.eventLoopLag.start();
    },
    stop(retryMs) {
      metrics.eventLoopLag.stop();
      presence.stop();
      hub.stop(retryMs);
    },
  };
}
