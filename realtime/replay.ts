import { eventLogBounds, readUserEventsAfter } from "../db/event_replay.ts";
import { AGENT_EVENT_TYPES, type ChatEvent } from "../chat/events.ts";
import type { Hub, RegisterOptions } from "./hub.ts";
import { encodeFrame, encodeRetry } from "./sse_frame.ts";
import { IdentifiedListener, type Listener, type ListenerIdentity, type StreamSubscriber } from "./subscriber.ts";
import type { TenantId } from "../chat/tenancy.ts";

const PAGE = 500;

/** How soon a dropped client should reconnect. */
export const RETRY_MS = 2_000;

/**
 * Subscribes a stream, then sends what the client missed, then goes live, without gap or
 * duplicate: live events that arrive during the replay are held and those the replay
 * already covered are skipped. `connected` is written only once the stream is subscribed.
 * @param hub the process's hub
 * @param sub the new stream
 * @param cursor the last event id the client has, or null for "from now"
 * @param options the limits its registration applies
 */
export async function startStream(
  hub: Hub,
  sub: StreamSubscriber,
  cursor: number | null,
  options: RegisterOptions = {},
): Promise<void> {
  const liveFrom = await hub.register(sub, options);
  sub.write(encodeRetry(RETRY_MS));
  sub.write(encodeFrame({ event: "connected", data: JSON.stringify({ user_id: sub.userId }) }));
  if (cursor === null) return sub.goLive(liveFrom);
  const missed = await missedEvents(hub, sub, cursor, liveFrom);
  for await (const event of missed) {
    await sub.replay(event, jsonFrame(event));
    if (event.type !== "reset") hub.options.metrics.eventsReplayed++;
  }
  sub.goLive(Math.max(cursor, missed.sentThrough));
}

/**
 * Long-poll: the events after `after` the user may see, waiting up to `timeoutMs` for the
 * first one when there are none yet.
 * @param hub the process's hub
 * @param identity who is asking
 * @param options cursor (null: from now), wait limit and an abort signal
 */
export async function longPoll(
  hub: Hub,
  identity: ListenerIdentity,
  options: { after: number | null; timeoutMs: number; signal?: AbortSignal },
): Promise<{ events: ChatEvent[]; cursor: number }> {
  const listener = new PollListener(identity);
  const liveFrom = await hub.register(listener);
  try {
    const after = options.after ?? liveFrom;
    const missed = await missedEvents(hub, identity, after, liveFrom, PAGE);
    const events: ChatEvent[] = [];
    for await (const event of missed) events.push(event);
    if (events.length > 0) return { events, cursor: missed.sentThrough };
    listener.sentThrough = Math.max(after, missed.sentThrough);
    const received = await listener.wait(options.timeoutMs, options.signal);
    return { events: received, cursor: Math.max(listener.sentThrough, ...received.map((e) => e.id)) };
  } finally {
    hub.unregister(listener);
  }
}

/** The replay of one client: its missed events (or a reset), and how far it reaches. */
async function missedEvents(hub: Hub, who: ListenerIdentity, cursor: number, liveFrom: number, maxEvents = Infinity) {
  const bounds = await eventLogBounds(hub.options.db);
  const scope = { tenantId: who.tenantId as TenantId, db: hub.options.db };
  const result = {
    sentThrough: cursor,
    async *[Symbol.asyncIterator](): AsyncGenerator<ChatEvent> {
      // events between the cursor and the oldest kept one were purged; a cursor beyond the
      // log's end belongs to another database: either way the client must reload its state
      if (cursor < bounds.oldest - 1 || cursor > bounds.latest) {
        result.sentThrough = Math.max(liveFrom, bounds.latest);
        yield resetEvent(who, result.sentThrough);
        return;
      }
      let sent = 0;
      while (sent < maxEvents) {
        const page = await readUserEventsAfter<ChatEvent>(scope, who.userId, {
          after: result.sentThrough,
          upTo: liveFrom,
          limit: Math.min(PAGE, maxEvents - sent),
          agentTypes: AGENT_EVENT_TYPES,
          agent: who.role !== "guest",
        });
        for (const event of page) {
          result.sentThrough = event.id;
          sent++;
          yield event;
        }
        if (page.length < PAGE) return;
      }
    },
  };
  return result;
}

function resetEvent(who: ListenerIdentity, id: number): ChatEvent {
  return {
    id,
    tenantId: who.tenantId,
    type: "reset",
    data: {},
    conversationId: null,
    userId: who.userId,
    createdAt: 0,
  };
}

function jsonFrame(event: ChatEvent): Uint8Array {
  return encodeFrame({ id: event.id || undefined, event: event.type, data: JSON.stringify(event.data) });
}

/** A waiting long-poll: collects what arrives and answers shortly after the first event. */
class PollListener extends IdentifiedListener implements Listener {
  readonly isStream = false;
  sentThrough = 0;
  #events: ChatEvent[] = [];
  #wake: (() => void) | null = null;

  deliver(event: ChatEvent): boolean {
    if (event.id !== 0 && event.id <= this.sentThrough) return true;
    this.#events.push(event);
    // a short delay lets events committed together leave in one answer
    if (this.#wake) setTimeout(this.#wake, 20);
    this.#wake = null;
    return true;
  }
  deliverBatch(events: ChatEvent[]): boolean {
    for (const e of events) this.deliver(e);
    return true;
  }
  write(): boolean {
    return true;
  }
  close(): void {
    this.#wake?.();
  }

  wait(timeoutMs: number, signal?: AbortSignal): Promise<ChatEvent[]> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve(this.#events);
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done);
      if (this.#events.length > 0) setTimeout(done, 20);
      else this.#wake = done;
    });
  }
}
