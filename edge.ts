/**
 * Entry point for edge runtimes and `deno serve` (`deno serve -A edge.ts`): Parley as a
 * `fetch` handler on `Deno.serve`, without the node:http server of `main.ts`. Edge runtimes
 * run many short-lived isolates and cannot load native modules or keep files, so here
 * events travel over `BroadcastChannel` (BUS=broadcast), attachments live in the database
 * (ATTACHMENTS=db), a `libsql://` or `https://` DATABASE_URL is reached over HTTP, and new
 * passwords are hashed with WebCrypto's PBKDF2 instead of native argon2.
 */
// first, so the route modules are in this entry's module graph, which edge runtimes bundle
// (main.ts loads them by a name it computes, which a bundler cannot follow)
import "./routes/mount.ts";
import { createApp } from "./main.ts";
import { loadConfig } from "./server/config.ts";
import { createRuntime } from "./server/runtime.ts";
import { usePasswordHashing } from "./chat/accounts/passwords.ts";

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

usePasswordHashing("pbkdf2");

let app: Promise<Handler> | null = null;

async function start(): Promise<Handler> {
  const config = loadConfig({ ...Deno.env.toObject(), BUS: "broadcast", ATTACHMENTS: "db" });
  const runtime = await createRuntime(config);
  stopOnSigterm(runtime);
  return createApp(runtime).fetch as Handler;
}

/**
 * Under `deno serve` SIGTERM stops new connections, but the event tail reader and presence
 * timers would keep the process alive: end streams with a short retry hint (clients resume
 * elsewhere), close the database and exit. Edge runtimes that send no signals skip this.
 */
function stopOnSigterm(runtime: { realtime: { stop(retryMs?: number): void }; close(): Promise<void> }) {
  try {
    Deno.addSignalListener("SIGTERM", async () => {
      runtime.realtime.stop(500);
      await runtime.close();
      Deno.exit(0);
    });
  } catch {
    // no signals on this runtime
  }
}

/** Starts the app once; a failed start is tried again by the next request. */
function ready(): Promise<Handler> {
  return app ??= start().catch((e) => {
    app = null;
    throw e;
  });
}

// start while the runtime begins listening, not at the first request
ready().catch((e) => console.error(e instanceof Error ? e.message : String(e)));

export default {
  async fetch(request, info) {
    try {
      return await (await ready())(request, info);
    } catch {
      return Response.json({
        error: { code: "unavailable", message: "Parley is starting or cannot reach its database" },
      }, {
        status: 503,
      });
    }
  },
} satisfies Deno.ServeDefaultExport;
