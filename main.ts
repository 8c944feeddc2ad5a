import { Hono } from "hono";
import { loadConfig } from "./server/config.ts";
import { createRuntime } from "./server/runtime.ts";
import type { AppDeps, AppEnv } from "./server/env.ts";
import { onError } from "./routes/errors.ts";
import { baseMiddleware } from "./server/security.ts";
import { healthRoutes } from "./routes/health.ts";
import { authRoutes } from "./routes/auth.ts";
import { adminRoutes } from "./routes/admin.ts";
import { meRoutes } from "./routes/me.ts";
import { i18n } from "./routes/i18n.ts";
import { chatRoutes } from "./routes/chat.ts";
import { realtimeRoutes } from "./routes/realtime.ts";
import { pageRoutes } from "./routes/pages.tsx";
import { listen } from "./server/http_server.ts";
import { answerOptions } from "./server/options.ts";

/** Builds the Hono app from its dependencies. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: false });
  app.onError(onError);
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(...baseMiddleware(deps));
  app.use(answerOptions(app));
  app.use(i18n);
  app.route("/", healthRoutes);
  app.route("/api/auth", authRoutes);
  app.route("/api/admin", adminRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/chat", chatRoutes);
  app.route("/", realtimeRoutes);
  app.route("/", pageRoutes);
  app.notFound((c) => c.json({ error: { code: "not_found", message: "Not found" } }, 404));
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
