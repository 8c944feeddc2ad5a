import { joinFrames } from "./sse_frame.ts";

/** Something frames can be written to. */
export interface BatchTarget {
  write(chunk: Uint8Array): boolean;
  /** The target's place in the batch it was last added to; only `WriteBatch` sets it. */
  batchSlot?: number;
}

/**
 * The frames each stream gets from one page of the event log, written as one chunk per
 * stream when the page is done. Each chunk costs a pass through the stream machinery and
 * a socket write, so a burst of N events costs one write per stream instead of N. Streams
 * that get the same frames in the same order (everyone in a group) share one joined chunk.
 * Targets and their frames sit in two arrays, and each target remembers its place, so
 * adding a frame costs no lookup and no allocation in the common case of one frame per
 * target (a map of lists would cost both, for every stream of every batch).
 */
export class WriteBatch {
  #targets: BatchTarget[] = [];
  /** Per target: its one frame, or the list of them once there are several. */
  #frames: (Uint8Array | Uint8Array[])[] = [];
  #count = 0;

  /** How many frames wait to be written. */
  get count(): number {
    return this.#count;
  }

  /**
   * Queues a frame for a stream.
   * @param target the stream
   * @param frame the encoded frame (shared between streams)
   */
  add(target: BatchTarget, frame: Uint8Array): void {
    const slot = target.batchSlot ?? -1;
    if (this.#targets[slot] === target) {
      const queued = this.#frames[slot];
      if (Array.isArray(queued)) queued.push(frame);
      else this.#frames[slot] = [queued, frame];
    } else {
      target.batchSlot = this.#targets.length;
      this.#targets.push(target);
      this.#frames.push(frame);
    }
    this.#count++;
  }

  /** Writes every stream's frames, in the order they were added. */
  flush(): void {
    const targets = this.#targets;
    const frames = this.#frames;
    // a write may close a stream, and closing may add to a batch: start a fresh one first
    this.#targets = [];
    this.#frames = [];
    this.#count = 0;
    let previous: Uint8Array[] | null = null;
    let previousChunk: Uint8Array | null = null;
    for (let i = 0; i < targets.length; i++) {
      const queued = frames[i];
      let chunk: Uint8Array;
      if (!Array.isArray(queued)) chunk = queued;
      else {
        chunk = previous && previousChunk && sameFrames(previous, queued) ? previousChunk : joinFrames(queued);
        previous = queued;
        previousChunk = chunk;
      }
      targets[i].write(chunk);
    }
  }
}

function sameFrames(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
