import type { Config } from "./config.ts";
import { openDatabase } from "../db/client.ts";
import type { Bus } from "../chat/bus.ts";
import { BroadcastBus, MemoryBus } from "../realtime/bus.ts";
import { createRealtime } from "../realtime/mod.ts";
import { WebhookDispatcher } from "../chat/webhooks/dispatcher.ts";
import { RateLimiter } from "./rate_limit.ts";
import { createStorage } from "../chat/messages/storage.ts";
import { sessionKeysFrom } from "../chat/accounts/auth.ts";
import type { AppDeps } from "./env.ts";

/**
 * The session secret: configured, or in development generated once and kept under ./data
 * so sessions survive restarts.
 */
export async function resolveSessionSecret(
  config: Config,
  dataDir = "data",
): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;
  const file = `${dataDir}/session_secret`;
  try {
    const existing = (await Deno.readTextFile(file)).trim();
    if (existing.length >= 32) return existing;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  await Deno.mkdir(dataDir, { recursive: true });
  await Deno.writeTextFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Opens everything the app depends on. `close()` releases it in reverse order.
 * @param options `sessionSecret` instead of the configured or generated one; `startRealtime: false`
 * leaves the event tail reader and presence timers off (tests that need live streams start them);
 * `startWebhooks` (by default as `startRealtime`) runs the webhook dispatcher
 */
export async function createRuntime(
  config: Config,
  options: { sessionSecret?: string; startRealtime?: boolean; startWebhooks?: boolean } = {},
): Promise<AppDeps & { close(): Promise<void> }> {
  const database = await openDatabase(config.databaseUrl, {
    authToken: config.databaseAuthToken,
    encryptionKey: config.encryptionKey,
    backgroundCheckpoint: true,
  });
  const bus = await createBus(config.bus);
  const realtime = createRealtime(database.db, bus, { retentionHours: config.eventsRetentionHours });
  if (options.startRealtime ?? true) await realtime.start();
  const webhooks = new WebhookDispatcher({
    db: database.db,
    now: Date.now,
    allowPrivate: config.webhooksAllowPrivate,
  });
  if (options.startWebhooks ?? options.startRealtime ?? true) webhooks.start();
  const keys = await sessionKeysFrom(options.sessionSecret ?? await resolveSessionSecret(config));
  return {
    config,
    database,
    bus,
    keys,
    presence: realtime.presence,
    realtime,
    storage: createStorage(config),
    limiter: new RateLimiter(),
    now: Date.now,
    async close() {
      realtime.stop();
      await webhooks.stop();
      await bus.close();
      await database.close();
    },
  };
}

/**
 * The bus named by the BUS setting.
 * @param setting `memory`, `broadcast` or `redis://host:port`
 */
async function createBus(setting: string): Promise<Bus> {
  if (setting === "broadcast") return new BroadcastBus();
  if (setting.startsWith("redis://")) {
    // loaded only when configured, so single-process deployments never load the client
    const { RedisBus } = await import("../realtime/bus_redis.ts");
    return new RedisBus(setting);
  }
  return new MemoryBus();
}
