import type { ChatEvent } from "./events.ts";

/**
 * What travels on the bus. The bus carries only the news that durable events exist
 * (the `events` table is the truth), plus ephemeral events (typing, presence) that are
 * never stored.
 */
export type BusNews =
  | { kind: "events"; lastEventId: number }
  | { kind: "ephemeral"; event: ChatEvent };

export type BusListener = (news: BusNews) => void;

/** Publish/subscribe between the processes of one deployment. */
export interface Bus {
  publish(news: BusNews): Promise<void>;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}

/** One process: listeners are called in the same process. */
export class MemoryBus implements Bus {
  #listeners = new Set<BusListener>();

  publish(news: BusNews): Promise<void> {
    for (const listener of this.#listeners) {
      queueMicrotask(() => listener(news));
    }
    return Promise.resolve();
  }

  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): Promise<void> {
    this.#listeners.clear();
    return Promise.resolve();
  }
}
