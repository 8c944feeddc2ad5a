import { Redis } from "ioredis";
import type { Bus, BusListener, BusNews } from "../chat/bus.ts";
import { MemoryBus, remote } from "./bus.ts";

const CHANNEL = "parley:bus";

/**
 * Logs a Redis connection's failures once per outage, and its recovery: while Redis is
 * down every reconnect attempt and every publish fails, and one line says as much.
 */
class ConnectionLog {
  #down = false;

  constructor(readonly connection: "publish" | "subscribe") {}

  /** The connection or a command on it failed. */
  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    console.error(JSON.stringify({
      level: "error",
      msg: "redis bus connection failed; events reach other instances by the log's safety-net read",
      connection: this.connection,
      error: String(error),
    }));
  }

  /** The connection works again: it is ready, or a command went through. */
  ready(): void {
    if (!this.#down) return;
    this.#down = false;
    console.error(JSON.stringify({ level: "info", msg: "redis bus connection restored", connection: this.connection }));
  }
}

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
  #pubLog: ConnectionLog;
  /** Each publish's outcome goes to the publish connection's log (one pair of callbacks for all). */
  #published = () => this.#pubLog.ready();
  #publishFailed = (e: unknown) => this.#pubLog.failed(e);

  constructor(url: string) {
    this.#pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    // a connection in subscriber mode can do nothing else, hence the second one
    this.#sub = new Redis(url, { maxRetriesPerRequest: null });
    this.#pubLog = watch(this.#pub, new ConnectionLog("publish"));
    const subLog = watch(this.#sub, new ConnectionLog("subscribe"));
    this.#sub.subscribe(CHANNEL).catch((e) => subLog.failed(e));
    this.#sub.on("message", (_channel: string, raw: string) => {
      const { origin, news } = JSON.parse(raw) as { origin: string; news: BusNews };
      if (origin !== this.#origin) this.#local.publish(news);
    });
    this.#sub.on("ready", () => this.#local.publish({ kind: "events", lastEventId: Number.MAX_SAFE_INTEGER }));
  }

  publish(news: BusNews): Promise<void> {
    this.#pub.publish(CHANNEL, JSON.stringify({ origin: this.#origin, news: remote(news) })).then(
      this.#published,
      this.#publishFailed,
    );
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

/**
 * Reports a connection's errors and recoveries to its log. Handling "error" also keeps
 * ioredis from treating the errors as unhandled.
 */
function watch(redis: Redis, log: ConnectionLog): ConnectionLog {
  redis.on("error", (e: unknown) => log.failed(e));
  redis.on("ready", () => log.ready());
  return log;
}
