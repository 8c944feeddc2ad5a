import type { ChatEvent } from "../events.ts";
import type { BotStatus, MessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";
import { updateBotMessage } from "../bots/messages.ts";

/** At most this many deltas per message in any second. */
export const DELTAS_PER_SECOND = 20;
/** Deltas of one message are at least this many milliseconds apart, so a burst of pieces is joined. */
export const DELTA_GAP_MS = 20;
/** The text so far is stored (as `message_updated`) this often, for replay and page loads. */
export const SNAPSHOT_INTERVAL_MS = 1_000;

/**
 * The live text of one streaming bot message. Pieces of text become `message_delta`
 * events, coalesced so that a message sends at most DELTAS_PER_SECOND in any second and
 * none closer than DELTA_GAP_MS to the previous one: a piece that finds both bounds met goes
 * out at once, pieces in a burst are joined. The bound is a sliding window, not a fixed
 * interval: a model streaming at about the allowed rate has its pieces sent as they come,
 * where a fixed interval would make each wait for the previous one's slot. Every
 * SNAPSHOT_INTERVAL_MS the whole text so far is stored with the seq it includes, so a
 * client that reconnects gets it by replay and continues with the next delta. Everything is
 * published in one chain, so no client sees a delta before the snapshot that precedes it.
 */
export class BotStream {
  #content = "";
  #pending = "";
  #seq = 0;
  #lastDeltaAt = -Infinity;
  /** When the last DELTAS_PER_SECOND deltas went out, as a ring; the oldest is at `#ring`. */
  #sentAt: number[] = new Array(DELTAS_PER_SECOND).fill(-Infinity);
  #ring = 0;
  #lastSnapshotAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  /**
   * @param scope the bot's scope
   * @param message the bot message, just posted with status streaming
   */
  constructor(
    private readonly scope: TenantScope,
    private readonly message: MessageObject,
    private readonly now: () => number = Date.now,
  ) {
    // answers that start together must not store their snapshots together: each takes its
    // first one at its own point of the second half of the interval (from its id's random
    // bits), so the commits and frames of many answers spread out instead of landing in one burst
    const phase = parseInt(message.id.slice(-4), 16) / 0x10000;
    this.#lastSnapshotAt = now() - phase * (SNAPSHOT_INTERVAL_MS / 2);
  }

  /** The text so far. */
  get content(): string {
    return this.#content;
  }

  /** Appends a piece of text. */
  push(text: string): void {
    this.#content += text;
    this.#pending += text;
    if (this.#timer) return;
    const now = this.now();
    const wait = Math.max(this.#lastDeltaAt + DELTA_GAP_MS, this.#sentAt[this.#ring] + 1_000) - now;
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  /** Ends the stream: the whole text with its final status, after every delta. */
  async finish(status: Exclude<BotStatus, "streaming">): Promise<MessageObject> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending) this.#flush();
    const seq = this.#seq;
    const content = this.#content;
    const done = this.#chain.then(() => updateBotMessage(this.scope, this.message.id, { content, status, seq }));
    this.#chain = done.catch(() => {});
    return await done;
  }

  #flush() {
    this.#timer = undefined;
    if (!this.#pending) return;
    const now = this.now();
    const event: ChatEvent = {
      id: 0,
      tenantId: this.scope.tenantId,
      type: "message_delta",
      data: {
        message_id: this.message.id,
        conversation: this.message.conversation,
        seq: ++this.#seq,
        delta: this.#pending,
      },
      conversationId: this.message.conversation,
      userId: null,
      createdAt: now,
    };
    this.#pending = "";
    this.#lastDeltaAt = now;
    this.#sentAt[this.#ring] = now;
    this.#ring = (this.#ring + 1) % DELTAS_PER_SECOND;
    const snapshot = now - this.#lastSnapshotAt >= SNAPSHOT_INTERVAL_MS
      ? { content: this.#content, status: "streaming" as const, seq: this.#seq, base: this.message }
      : null;
    if (snapshot) this.#lastSnapshotAt = now;
    this.#chain = this.#chain.then(async () => {
      await this.scope.bus.publish({ kind: "ephemeral", event });
      if (snapshot) await updateBotMessage(this.scope, this.message.id, snapshot);
    }).catch((e) => console.error(JSON.stringify({ level: "error", msg: "assistant stream", error: String(e) })));
  }
}
