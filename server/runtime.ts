import type { Config } from "./config.ts";
import { openDatabase } from "../db/client.ts";
import type { Bus } from "../chat/bus.ts";
import { BroadcastBus, MemoryBus } from "../realtime/bus.ts";
import { createRealtime } from "../realtime/mod.ts";
import { RateLimiter } from "./rate_limit.ts";
import { createStorage } from "../chat/messages/storage.ts";
import { sessionKeysFrom } from "../chat/accounts/session_keys.ts";
import type { AppDeps } from "./env.ts";
import { RetentionJob } from "../chat/retention/job.ts";

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

type AssistantModule = typeof import("../chat/assistant/runner.ts");
type WebhooksModule = typeof import("../chat/webhooks/dispatcher.ts");
type IntegrationsModule = typeof import("../chat/integrations/after_send.ts");

/**
 * Imports a module a start does not need, once. Named by a variable, not a literal: Deno
 * prepares the modules of every literal dynamic import while it starts (see main.ts).
 */
function lazily<T>(path: string): () => Promise<T> {
  const href = new URL(path, import.meta.url).href;
  let loading: Promise<T> | null = null;
  return () => loading ??= import(href) as Promise<T>;
}
const loadAssistant = lazily<AssistantModule>("../chat/assistant/runner.ts");
const loadWebhooks = lazily<WebhooksModule>("../chat/webhooks/dispatcher.ts");
const loadIntegrations = lazily<IntegrationsModule>("../chat/integrations/after_send.ts");

/** The webhook dispatcher starts this long after the runtime: a start answers health checks first. */
const WEBHOOKS_START_DELAY_MS = 1_000;

/**
 * Opens everything the app depends on. `close()` releases it in reverse order.
 * @param options `sessionSecret` instead of the configured or generated one; `startRealtime: false`
 * leaves the event tail reader and presence timers off (tests that need live streams start them);
 * `startRetention: false` leaves the retention job's runs to the caller (`deps.retention.run()`);
 * `startWebhooks` (by default as `startRealtime`) runs the webhook dispatcher
 */
export async function createRuntime(
  config: Config,
  options: { sessionSecret?: string; startRealtime?: boolean; startRetention?: boolean; startWebhooks?: boolean } = {},
): Promise<AppDeps & { close(): Promise<void> }> {
  const database = await openDatabase(config.databaseUrl, {
    authToken: config.databaseAuthToken,
    encryptionKey: config.encryptionKey,
    backgroundCheckpoint: true,
    // after the first requests: a restart answers sooner without that thread starting beside it
    checkpointDelayMs: 2_000,
  });
  const bus = await createBus(config.bus);
  const realtime = createRealtime(database.db, bus, { retentionHours: config.eventsRetentionHours });
  if (options.startRealtime ?? true) await realtime.start();
  let webhooks: InstanceType<WebhooksModule["WebhookDispatcher"]> | null = null;
  let webhooksStarting: Promise<void> | null = null;
  const webhooksTimer = (options.startWebhooks ?? options.startRealtime ?? true)
    ? setTimeout(() => {
      webhooksStarting = loadWebhooks().then(({ WebhookDispatcher }) => {
        webhooks = new WebhookDispatcher({ db: database.db, now: Date.now, allowPrivate: config.webhooksAllowPrivate });
        webhooks.start();
      });
    }, WEBHOOKS_START_DELAY_MS)
    : undefined;
  const keys = await sessionKeysFrom(options.sessionSecret ?? await resolveSessionSecret(config));
  const assistant = config.ai
    ? new (await loadAssistant()).AssistantRunner({ db: database.db, bus, ai: config.ai, now: Date.now })
    : null;
  assistant?.start();
  const storage = createStorage(config);
  const deps: AppDeps & { close(): Promise<void> } = {
    config,
    database,
    bus,
    keys,
    presence: realtime.presence,
    realtime,
    storage,
    limiter: new RateLimiter(),
    now: Date.now,
    assistant,
    // reads the clock through deps, so a clock injected later drives the job too
    retention: new RetentionJob(database.db, storage, () => deps.now()),
    async close() {
      assistant?.stop();
      realtime.stop();
      await deps.retention.stop();
      if (integrations) await (await integrations).botAnswersSettled(database.db);
      clearTimeout(webhooksTimer);
      await webhooksStarting;
      await webhooks?.stop();
      await bus.close();
      await database.close();
    },
  };
  if (options.startRetention ?? true) deps.retention.start();
  // the bots' module loads with the first message sent, which waits for it only that once
  let integrations: Promise<IntegrationsModule> | null = null;
  deps.afterSend = (scope, message) => {
    integrations ??= loadIntegrations();
    void integrations.then((m) => m.afterSend(scope, message, deps));
  };
  return deps;
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
