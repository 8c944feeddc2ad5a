import { Redis } from "ioredis";
import type { Bus, BusListener, BusNews } from "../chat/bus.ts";
import { MemoryBus, remote } from "./bus.ts";

const CHANNEL = "parley:bus";

/**
 * Redis pub/sub between instances. Local listeners are called directly and the instance's
 * own messages are ignored when Redis echoes them, so local delivery never waits on Redis.
 * Publishing never blocks a request while Redis is down: durable events are found by
 * the hub's safety-net read of the log, and a reconnect triggers an immediate read.
 */
export class RedisBus implements Bus {
  readonly #origin = crypto.randomUUID();
  #local = new MemoryBus();
  #pub: Redis;
  #sub: Redis;

  constructor(url: string) {
    this.#pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    // a connection in subscriber mode can do nothing else, hence the second one
    this.#sub = new Redis(url, { maxRetriesPerRequest: null });
    this.#pub.on("error", () => {});
    this.#sub.on("error", () => {});
    this.#sub.subscribe(CHANNEL).catch(() => {});
    this.#sub.on("message", (_channel: string, raw: string) => {
      const { origin, news } = JSON.parse(raw) as { origin: string; news: BusNews };
      if (origin !== this.#origin) this.#local.publish(news);
    });
    this.#sub.on("ready", () => this.#local.publish({ kind: "events", lastEventId: Number.MAX_SAFE_INTEGER }));
  }

  publish(news: BusNews): Promise<void> {
    this.#pub.publish(CHANNEL, JSON.stringify({ origin: this.#origin, news: remote(news) })).catch(() => {});
    return this.#local.publish(news);
  }

  subscribe(listener: BusListener): () => void {
    return this.#local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.#local.close();
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}
