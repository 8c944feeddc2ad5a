/**
 * The server `bench/fanout.ts` measures: the same app as `main.ts`, plus a `/__gc` route
 * (this entry point only) that forces garbage collection and answers the memory usage, so
 * memory per stream counts what is live rather than garbage not yet collected.
 * Needs `--v8-flags=--expose-gc`.
 */
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createApp } from "../main.ts";
import { listen } from "../server/http_server.ts";

const config = loadConfig(Deno.env.toObject());
const runtime = await createRuntime(config);
const app = createApp(runtime);
const gc = (globalThis as { gc?: () => void }).gc;

const server = await listen((req, env) => {
  if (new URL(req.url).pathname !== "/__gc") return app.fetch(req, env);
  // twice: what weak references held dies in the second pass
  gc?.();
  gc?.();
  return Response.json({ ...Deno.memoryUsage(), collected: gc !== undefined });
}, { port: config.port, hostname: config.host });

Deno.addSignalListener("SIGTERM", async () => {
  runtime.realtime.stop(500);
  await server.shutdown();
  await runtime.close();
  Deno.exit(0);
});
