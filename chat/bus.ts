import type { ChatEvent } from "./events.ts";

/**
 * What travels on the bus. The bus carries only the news that durable events exist
 * (the `events` table is the truth), plus ephemeral events (typing) that are never stored,
 * presence leases between instances, and revocations that end open streams.
 */
export type BusNews =
  | {
    kind: "events";
    lastEventId: number;
    /**
     * In the committing process only: the events of that commit as written, in id order.
     * The hub may deliver them without reading them back when they directly follow its
     * cursor; other instances hear only `lastEventId` and read the log.
     */
    committed?: ChatEvent[];
  }
  | { kind: "ephemeral"; event: ChatEvent }
  | {
    kind: "presence";
    /** The instance whose local view this is; leases are kept per instance. */
    instanceId: string;
    tenantId: string;
    userId: string;
    online: boolean;
  }
  | {
    /**
     * Streams opened under a session no longer stand: it was signed out or revoked, or its
     * user was deactivated or given another role. Every instance ends the matching local
     * streams; clients reconnect and are authenticated afresh.
     */
    kind: "revoked";
    tenantId: string;
    userId: string;
    /** Only this session's streams; absent, every stream of the user. */
    sessionId?: string;
  };

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

/**
 * The bus named by the BUS setting.
 * @param setting `memory`, `broadcast` or `redis://host:port`
 */
export async function createBus(setting: string): Promise<Bus> {
  if (setting === "broadcast") return new BroadcastBus();
  if (setting.startsWith("redis://")) {
    // loaded only when configured, so single-process deployments never load the client
    const { RedisBus } = await import("./bus_redis.ts");
    return new RedisBus(setting);
  }
  return new MemoryBus();
}
