import type { Bus, BusListener, BusNews } from "../chat/bus.ts";

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

/**
 * BroadcastChannel between isolates (e.g. Deno Deploy). A channel does not hear its own
 * messages, so local listeners are also called directly.
 */
export class BroadcastBus implements Bus {
  #local = new MemoryBus();
  #channel: BroadcastChannel;

  constructor(name = "parley-bus") {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (e: MessageEvent<BusNews>) => this.#local.publish(e.data);
  }

  publish(news: BusNews): Promise<void> {
    this.#channel.postMessage(remote(news));
    return this.#local.publish(news);
  }

  subscribe(listener: BusListener): () => void {
    return this.#local.subscribe(listener);
  }

  close(): Promise<void> {
    this.#channel.close();
    return this.#local.close();
  }
}

/**
 * What other instances hear of some news: the events of a commit stay in the process that
 * made it, the others read them from the log.
 * @param news the news as published locally
 */
export function remote(news: BusNews): BusNews {
  return news.kind === "events" && news.committed ? { kind: "events", lastEventId: news.lastEventId } : news;
}
