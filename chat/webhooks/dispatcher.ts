import type { Db } from "../../db/client.ts";
import { listMembers } from "../../db/participants.ts";
import {
  type DispatchWebhook,
  dueWebhookIds,
  leaseWebhook,
  pendingDeliveries,
  pruneDeliveries,
  type QueuedDelivery,
  queueEventsAfterCursor,
  recordAttempt,
  releaseWebhook,
} from "../../db/webhooks.ts";
import type { Webhook, WebhookDelivery } from "../../db/schema/mod.ts";
import type { ChatEvent } from "../events.ts";
import type { TenantId } from "../tenancy.ts";
import { postJson } from "../outbound/post.ts";
import { parleySignature } from "../outbound/signing.ts";
import { mentionsEveryone, webhookEventsFor } from "./payloads.ts";

/** Waits before each retry after a failed attempt; after the last one the delivery has failed. */
export const RETRY_DELAYS_MS = [10_000, 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];
/** A receiver answers 2xx within this time, or the attempt failed. */
export const DELIVERY_TIMEOUT_MS = 5_000;
const QUEUE_PAGE = 500;
/** Queues sent at once, each by one process, one delivery at a time. */
const PARALLEL_WEBHOOKS = 8;
/** Deliveries one queue sends before giving others a turn. */
const DELIVERIES_PER_TURN = 50;
/** Finished deliveries kept per webhook: the log shows this many. */
export const DELIVERY_LOG_SIZE = 100;
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** What the dispatcher reads and writes, its clock and timings. */
export interface WebhookDispatcherOptions {
  db: Db;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** WEBHOOKS_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  pollIntervalMs?: number;
  /** How long a process holds a webhook's queue without renewing it; longer than one attempt. */
  leaseMs?: number;
}

/**
 * Turns committed events into webhook deliveries and sends them, one per process.
 * The event log is written in the same transaction as every change, so the dispatcher
 * reads it after a cursor of its own (kept in the database) instead of adding work to the
 * send path; the deliveries it queues survive restarts. Each webhook's queue goes out in
 * order, the next delivery only once the one before is delivered or has failed, held by
 * one process at a time through a lease that a dead process loses when it runs out.
 * Delivery is at least once: a process that dies between sending and recording sends again.
 */
export class WebhookDispatcher {
  /** Names this process on the leases it holds. */
  readonly owner = crypto.randomUUID();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #prunedAt = -Infinity;

  constructor(readonly options: WebhookDispatcherOptions) {}

  /** Runs a round now and then every poll interval, until `stop`. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops after the round in progress, which it waits for. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Queues the new events, then sends what is due; true when more may be due at once. */
  async runOnce(): Promise<boolean> {
    await this.queueNewEvents();
    const more = await this.sendDue();
    if (this.options.now() - this.#prunedAt >= PRUNE_INTERVAL_MS) {
      this.#prunedAt = this.options.now();
      await pruneDeliveries(this.options.db, DELIVERY_LOG_SIZE);
    }
    return more;
  }

  /** Queues a delivery for every event after the cursor and every webhook that takes it. */
  async queueNewEvents(): Promise<void> {
    while (
      await queueEventsAfterCursor(this.options.db, {
        limit: QUEUE_PAGE,
        now: this.options.now(),
        deliveriesFor: (event, hooks) => deliveriesFor(this.options.db, event as ChatEvent, hooks),
      }) === QUEUE_PAGE
    );
  }

  /** Sends the due deliveries of every queue no other process holds; true when a queue had more than one turn's worth. */
  async sendDue(): Promise<boolean> {
    const ids = await dueWebhookIds(this.options.db, this.options.now(), PARALLEL_WEBHOOKS);
    const sent = await Promise.all(ids.map((id) => this.#sendQueue(id)));
    return ids.length === PARALLEL_WEBHOOKS || sent.some((n) => n === DELIVERIES_PER_TURN);
  }

  #schedule(delayMs: number) {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      let more = false;
      this.#running = this.runOnce().then((m) => {
        more = m;
      }).catch((e) => {
        console.error(JSON.stringify({ level: "error", msg: "webhook dispatch failed", error: String(e) }));
      }).finally(() => {
        this.#running = null;
        // a backlog goes on at once; otherwise the log is looked at again after the interval
        this.#schedule(more ? 0 : this.options.pollIntervalMs ?? 500);
      });
    }, delayMs);
  }

  /** Sends a queue's due deliveries in order, stopping at a failure; answers how many were attempted. */
  async #sendQueue(webhookId: string): Promise<number> {
    const { db, now } = this.options;
    const leaseMs = this.options.leaseMs ?? 10_000;
    let heldUntil = 0;
    // taken, then renewed before an attempt once half of it has passed, so it outlasts the attempt
    const hold = async () => {
      if (now() < heldUntil - leaseMs / 2) return true;
      const untilMs = now() + leaseMs;
      if (!await leaseWebhook(db, webhookId, { owner: this.owner, now: now(), untilMs })) return false;
      heldUntil = untilMs;
      return true;
    };
    if (!await hold()) return 0;
    let sent = 0;
    try {
      for (const { delivery, webhook } of await pendingDeliveries(db, webhookId, DELIVERIES_PER_TURN)) {
        if (this.#stopped || delivery.nextAttemptAt.getTime() > now() || !await hold()) break;
        sent++;
        if (!await this.#attempt(webhook, delivery)) break;
      }
    } finally {
      await releaseWebhook(db, webhookId, this.owner);
    }
    return sent;
  }

  /** One attempt at a delivery; true when it was delivered. */
  async #attempt(webhook: Webhook, delivery: WebhookDelivery): Promise<boolean> {
    const at = this.options.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const answer = await postJson(webhook.url, delivery.body, {
        headers: {
          "parley-event-id": delivery.eventId,
          "parley-signature": await parleySignature(webhook.secret, delivery.body, at),
        },
        timeoutMs: DELIVERY_TIMEOUT_MS,
        allowPrivate: this.options.allowPrivate,
      });
      status = answer.status;
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
    const attempts = delivery.attempts + 1;
    const delay = RETRY_DELAYS_MS[attempts - 1];
    const state = error === null ? "delivered" : delay === undefined ? "failed" : "pending";
    await recordAttempt(this.options.db, delivery, {
      state,
      attempts,
      status,
      error,
      at,
      nextAttemptAt: state === "pending" ? at + delay : at,
    });
    return state === "delivered";
  }
}

/** The deliveries of one logged event: one per webhook event it stands for and webhook that takes it. */
async function deliveriesFor(db: Db, event: ChatEvent, hooks: DispatchWebhook[]): Promise<QueuedDelivery[]> {
  const out: QueuedDelivery[] = [];
  const everyone = mentionsEveryone(event) && hooks.some((h) => h.eventTypes.includes("mention.created"))
    ? (await listMembers({ tenantId: event.tenantId as TenantId, db }, [event.conversationId!])).map((m) => ({
      user_id: m.user.id,
      username: m.user.username,
      name: m.user.name,
    }))
    : [];
  const webhookEvents = webhookEventsFor(event, everyone);
  if (webhookEvents.length === 0) return out;
  for (const hook of hooks) {
    // a webhook hears what happened after it was made
    if (hook.createdAt.getTime() > event.createdAt) continue;
    for (const webhookEvent of webhookEvents) {
      if (!hook.eventTypes.includes(webhookEvent.type)) continue;
      const body = JSON.stringify({
        id: webhookEvent.id,
        type: webhookEvent.type,
        created_at: webhookEvent.created_at,
        workspace: { id: hook.tenantId, slug: hook.tenantSlug },
        data: webhookEvent.data,
      });
      out.push({
        tenantId: hook.tenantId,
        webhookId: hook.id,
        eventId: webhookEvent.id,
        type: webhookEvent.type,
        body,
      });
    }
  }
  return out;
}
