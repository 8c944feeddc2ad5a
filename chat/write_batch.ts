import { joinFrames } from "./sse_frame.ts";

/** Something frames can be written to. */
export interface BatchTarget {
  write(chunk: Uint8Array): boolean;
}

/**
 * The frames each stream gets from one page of the event log, written as one chunk per
 * stream when the page is done. Each chunk costs a pass through the stream machinery and
 * a socket write, so a burst of N events costs one write per stream instead of N. Streams
 * that get the same frames in the same order (everyone in a group) share one joined chunk.
 */
export class WriteBatch {
  #frames = new Map<BatchTarget, Uint8Array[]>();
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
    const frames = this.#frames.get(target);
    if (frames) frames.push(frame);
    else this.#frames.set(target, [frame]);
    this.#count++;
  }

  /** Writes every stream's frames, in the order they were added. */
  flush(): void {
    let previous: Uint8Array[] = [];
    let previousChunk: Uint8Array | null = null;
    for (const [target, frames] of this.#frames) {
      const chunk: Uint8Array = frames.length === 1
        ? frames[0]
        : sameFrames(previous, frames) && previousChunk
        ? previousChunk
        : joinFrames(frames);
      previous = frames;
      previousChunk = chunk;
      target.write(chunk);
    }
    this.#frames.clear();
    this.#count = 0;
  }
}

function sameFrames(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
