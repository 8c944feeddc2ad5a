import type { ChatEvent } from "../chat/events.ts";
import { encodeRetry } from "./sse_frame.ts";
import type { BatchTarget, WriteBatch } from "./write_batch.ts";
import type { ByteSink, SinkEvents } from "./stream_sink.ts";

/** Who a listener listens for. */
export interface ListenerIdentity {
  tenantId: string;
  userId: string;
  role: "admin" | "member" | "guest";
  /** The session it was opened under: the listener lives no longer than that session. */
  sessionId: string;
}

/** Anything the hub delivers to: an SSE stream or a waiting long-poll. */
export interface Listener extends ListenerIdentity {
  /** True for SSE streams (they count for presence and get heartbeats). */
  readonly isStream: boolean;
  /**
   * Hands over one event with its shared JSON frame (encoded once for all recipients).
   * Returns false when the listener could not take it and has closed itself. With a batch,
   * a stream may queue the frame there instead of writing it at once.
   */
  deliver(event: ChatEvent, jsonFrame: Uint8Array, batch?: WriteBatch): boolean;
  /** Hands over a batch of ephemeral events (presence) with their frames joined into one chunk. */
  deliverBatch(events: ChatEvent[], jsonChunk: Uint8Array): boolean;
  /** Writes raw bytes such as a heartbeat comment. */
  write(chunk: Uint8Array): boolean;
  /** Ends the listener, telling SSE clients how soon to reconnect. */
  close(retryMs?: number): void;
}

/** What every listener shares: who it listens for, read from the identity it was opened with. */
export abstract class IdentifiedListener {
  constructor(readonly identity: ListenerIdentity) {}

  get tenantId() {
    return this.identity.tenantId;
  }
  get userId() {
    return this.identity.userId;
  }
  get role() {
    return this.identity.role;
  }
  get sessionId() {
    return this.identity.sessionId;
  }
}

/** Turns an event into this stream's frame when it does not use the shared JSON frame (htmx fragments). */
export type FrameRenderer = (event: ChatEvent) => Promise<Uint8Array | null>;

const BEHIND_GRACE_MS = 2_000;

type Held = { id: number; frame: Uint8Array } | { id: number; event: ChatEvent };

/**
 * One SSE connection: a byte sink with a bounded queue. Frames are enqueued without
 * waiting, so a slow reader never holds up the fan-out loop; one that lets its queue grow
 * past the bound is disconnected and catches up by replay when it reconnects.
 */
export class StreamSubscriber extends IdentifiedListener implements Listener, SinkEvents, BatchTarget {
  readonly isStream = true;
  batchSlot = -1;
  #sink: ByteSink | null = null;
  #closed = false;
  #drained: (() => void) | null = null;
  #behindSince = 0;
  /** Live events that arrive while the replay is still being written. */
  #held: Held[] | null = [];
  /** Events up to this id were already sent (by replay, or before a reconnect). */
  #sentThrough = 0;
  /** Rendering is asynchronous; chaining it keeps the frames in event order. */
  #chain: Promise<void> = Promise.resolve();

  constructor(
    identity: ListenerIdentity,
    readonly options: { maxQueuedBytes: number; onClose: (slow: boolean) => void; render?: FrameRenderer },
  ) {
    super(identity);
  }

  /**
   * Connects the stream to where its bytes go (once, before anything is written).
   * @param sink the connection's sink
   */
  attach(sink: ByteSink): void {
    this.#sink = sink;
  }

  drained(): void {
    this.#behindSince = 0;
    this.#drained?.();
    this.#drained = null;
  }

  cancelled(): void {
    this.#finish(false);
  }

  get closed() {
    return this.#closed;
  }

  deliver(event: ChatEvent, jsonFrame: Uint8Array, batch?: WriteBatch): boolean {
    if (this.#closed) return false;
    if (event.id !== 0 && event.id <= this.#sentThrough) return true;
    if (this.options.render) {
      if (this.#held) return this.#hold({ id: event.id, event });
      this.#renderThenWrite(event);
      return true;
    }
    if (this.#held) return this.#hold({ id: event.id, frame: jsonFrame });
    if (!batch) return this.write(jsonFrame);
    batch.add(this, jsonFrame);
    return true;
  }

  deliverBatch(events: ChatEvent[], jsonChunk: Uint8Array): boolean {
    if (this.options.render) {
      for (const event of events) this.deliver(event, jsonChunk);
      return !this.#closed;
    }
    if (this.#held) return this.#hold({ id: 0, frame: jsonChunk });
    return this.write(jsonChunk);
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed) return false;
    try {
      this.#sink!.enqueue(chunk);
    } catch {
      this.#finish(false);
      return false;
    }
    const backlog = this.#sink!.overflow;
    if (backlog <= 0) {
      this.#behindSince = 0;
      return true;
    }
    // a burst may overfill the queue for a moment; a client still behind after a grace
    // period, or far behind, is not keeping up
    const now = Date.now();
    if (this.#behindSince === 0) this.#behindSince = now;
    if (backlog > 3 * this.options.maxQueuedBytes || now - this.#behindSince > BEHIND_GRACE_MS) {
      this.#finish(true);
      return false;
    }
    return true;
  }

  /**
   * Writes one replayed event, waiting for the reader to drain the queue instead of dropping it.
   * @param event the event from the log
   * @param jsonFrame its JSON frame
   */
  async replay(event: ChatEvent, jsonFrame: Uint8Array): Promise<void> {
    if (this.#closed) return;
    const frame = this.options.render ? await this.options.render(event) : jsonFrame;
    if (frame) this.#sink!.enqueue(frame);
    this.#sentThrough = event.id;
    while (!this.#closed && this.#sink!.overflow >= 0) {
      await new Promise<void>((resolve) => this.#drained = resolve);
    }
  }

  /**
   * Ends the replay phase: writes the live events held meanwhile that were not already
   * sent, then delivers live.
   * @param sentThrough the client already has every event up to this id
   */
  goLive(sentThrough: number): void {
    this.#sentThrough = Math.max(this.#sentThrough, sentThrough);
    const held = this.#held ?? [];
    this.#held = null;
    for (const item of held) {
      if (item.id !== 0 && item.id <= this.#sentThrough) continue;
      if ("event" in item) this.#renderThenWrite(item.event);
      else if (!this.write(item.frame)) return;
    }
  }

  close(retryMs?: number): void {
    if (this.#closed) return;
    if (retryMs !== undefined) {
      try {
        this.#sink!.enqueue(encodeRetry(retryMs));
      } catch { /* the client already went away */ }
    }
    this.#finish(false);
  }

  #hold(item: Held): boolean {
    this.#held!.push(item);
    if (this.#held!.length > 10_000) this.#finish(true);
    return !this.#closed;
  }

  #renderThenWrite(event: ChatEvent) {
    const render = this.options.render!;
    this.#chain = this.#chain.then(async () => {
      const frame = await render(event);
      if (frame) this.write(frame);
    }).catch(() => this.#finish(false));
  }

  #finish(slow: boolean) {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = null;
    this.#drained?.();
    try {
      // a clean end (after what is already queued) makes the client reconnect and resume by replay
      this.#sink?.close();
    } catch { /* the client already went away */ }
    this.options.onClose(slow);
  }
}
