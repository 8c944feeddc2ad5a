import { createApp } from "../../main.ts";
import { createRealtime, type RealtimeOptions } from "../../realtime/mod.ts";
import { testDeps } from "../helpers.ts";
import { listen } from "../../server/http_server.ts";
import type { RequestTimeouts } from "../../server/timeouts.ts";

/** A real server on a free loopback port, with a started real-time layer. */
export async function startServer(
  options: Partial<RealtimeOptions> = {},
  env: Record<string, string> = {},
  timeouts: Partial<RequestTimeouts> = {},
) {
  const deps = await testDeps(env);
  deps.realtime.stop();
  deps.realtime = createRealtime(deps.database.db, deps.bus, {
    retentionHours: deps.config.eventsRetentionHours,
    pollIntervalMs: 200,
    presenceTickMs: 50,
    presenceGraceMs: 300,
    ...options,
  });
  deps.presence = deps.realtime.presence;
  await deps.realtime.start();
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1", timeouts });
  const url = server.url;
  return {
    deps,
    url,
    async close() {
      deps.realtime.stop();
      await server.shutdown();
      await deps.close();
    },
  };
}
