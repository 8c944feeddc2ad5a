import { Hono } from "hono";
import { loadConfig } from "./server/config.ts";
import { createRuntime } from "./server/runtime.ts";
import type { AppDeps, AppEnv } from "./server/env.ts";
import { baseMiddleware } from "./server/security.ts";
import { listen } from "./server/http_server.ts";
import { answerOptions } from "./server/options.ts";
import { notFound, onError } from "./routes/errors.ts";
import { healthRoutes } from "./routes/health.ts";

/** The app's middleware, in order, on a new app; `answerOptions` reads that app's routes. */
function withMiddleware(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: false });
  app.onError(onError);
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(...baseMiddleware(deps));
  app.use(answerOptions(app));
  return app;
}

type Mount = typeof import("./routes/mount.ts");
/**
 * Every route module, with the domain and the views behind them. Named by a variable, not a
 * literal: Deno prepares the modules of every literal dynamic import while it starts, which
 * costs more than importing them outright. Entries for bundling runtimes import it
 * statically (edge.ts), so it is in their module graph.
 */
const ROUTES = new URL("./routes/mount.ts", import.meta.url).href;
let mount: Mount | null = null;
let mounting: Promise<Mount> | null = null;

/** Loads every route module, once. */
function loadRoutes(): Promise<Mount> {
  return mounting ??= (import(ROUTES) as Promise<Mount>).then((m) => mount = m);
}

// Imported as a module (tests, edge.ts, benches, scripts), the routes are loaded with it, so
// `createApp` builds the complete app at once. Run as the server, they load once it listens.
if (!import.meta.main) await loadRoutes();

/** Until the routes load, a started server waits this long for a first request before loading them anyway. */
const IDLE_LOAD_MS = 500;

/**
 * Builds the Hono app from its dependencies. When the route modules are not loaded yet (the
 * server process, just started), `GET /healthz` is answered at once by an app of the same
 * middleware with the health routes only (the language middleware, which nothing there
 * reads, comes with the routes); the routes start loading after that answer, at the first
 * other request or after IDLE_LOAD_MS, and every other request waits for them, then goes
 * to the complete app, as do all requests once they are loaded.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = withMiddleware(deps);
  const complete = (m: Mount) => {
    m.mountRoutes(app);
    app.notFound(notFound);
  };
  if (mount) {
    complete(mount);
    return app;
  }
  const health = withMiddleware(deps);
  health.route("/", healthRoutes);
  health.notFound(notFound);
  let loaded: Promise<void> | null = null;
  let ready = false;
  const load = () =>
    loaded ??= loadRoutes().then((m) => {
      complete(m);
      ready = true;
    });
  const timer = setTimeout(load, IDLE_LOAD_MS);
  Deno.unrefTimer(timer);
  const fetch = app.fetch;
  app.fetch = async (request, env, executionCtx) => {
    if (ready) return await fetch(request, env, executionCtx);
    if (request.method === "GET" && new URL(request.url).pathname === "/healthz") {
      const res = await health.fetch(request, env, executionCtx);
      setTimeout(load, 0);
      return res;
    }
    await load();
    return await fetch(request, env, executionCtx);
  };
  return app;
}

if (import.meta.main) {
  try {
    const config = loadConfig(Deno.env.toObject());
    const runtime = await createRuntime(config);
    const server = await listen(createApp(runtime).fetch, { port: config.port, hostname: config.host });
    console.log(`Listening on http://${config.host}:${server.port}/`);
    Deno.addSignalListener("SIGTERM", async () => {
      // streams end first with a short retry hint, so clients resume on another instance
      runtime.realtime.stop(500);
      await server.shutdown();
      await runtime.close();
      Deno.exit(0);
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(1);
  }
}
