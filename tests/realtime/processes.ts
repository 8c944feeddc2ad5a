import { openDatabase } from "../../db/client.ts";
import { sessionKeysFrom } from "../../chat/accounts/auth.ts";
import { seedTenant } from "../helpers.ts";
import type { AppDeps } from "../../server/env.ts";

export const REDIS = "/usr/bin/redis-server";
export const SECRET = "process-test-secret-process-test-secret";
const ROOT = new URL("../../", import.meta.url).pathname;

/** A free loopback port. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A real redis-server on a loopback port, without persistence; stopped by PID. */
export async function startRedis(port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(REDIS, {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  }, "redis-server");
  return child;
}

/** A database file with a seeded workspace, shared by the server processes. */
export async function seedDatabaseFile(url: string, people: Record<string, "member" | "guest">) {
  const database = await openDatabase(url);
  const deps = { database, keys: await sessionKeysFrom(SECRET) } as unknown as AppDeps;
  const seeded = await seedTenant(deps, "acme", people);
  await database.close();
  return seeded;
}

/**
 * `deno run main.ts` as a subprocess; resolves once it answers its health check.
 * @param options `ulimit`: raise its open-files limit; `logs`: collect its stderr lines there
 * instead of passing them through
 */
export async function startInstance(env: Record<string, string>, options: { ulimit?: boolean; logs?: string[] } = {}) {
  const port = freePort();
  const child = new Deno.Command(options.ulimit ? "bash" : Deno.execPath(), {
    args: options.ulimit
      ? ["-c", `ulimit -n 65536; exec "${Deno.execPath()}" run -A main.ts`]
      : ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      SESSION_SECRET: SECRET,
      ATTACHMENTS: "db",
      RATE_LIMIT_MESSAGES_PER_MIN: "1000000",
      RATE_LIMIT_CONVERSATIONS_PER_MIN: "1000",
      LOG_LEVEL: "error",
      ...env,
    },
    stdout: "null",
    stderr: options.logs ? "piped" : "inherit",
  }).spawn();
  const logs = options.logs;
  const reading = logs
    ? (async () => {
      let rest = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        logs.push(...lines);
      }
    })()
    : null;
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/healthz`).then((r) => r.body?.cancel().then(() => r.ok))) ?? false,
    `instance on ${port}`,
  );
  return {
    url,
    child,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      await child.status;
      await reading;
    },
  };
}
