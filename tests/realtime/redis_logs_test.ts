import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { json } from "../helpers.ts";
import { freePort, REDIS, seedDatabaseFile, startInstance, startRedis } from "./processes.ts";

const hasRedis = existsSync(REDIS);
if (!hasRedis) console.warn(`SKIPPED: the Redis log tests need ${REDIS} (apt-get install redis-server)`);

type LogLine = { level: string; msg: string; connection?: string; error?: string };

function parsed(logs: string[]): LogLine[] {
  return logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

const failures = (logs: string[]) => parsed(logs).filter((l) => l.msg.startsWith("redis bus connection failed"));
const recoveries = (logs: string[]) => parsed(logs).filter((l) => l.msg === "redis bus connection restored");

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name:
    "a server whose Redis goes away logs one structured error per bus connection, not one per retry or send, and logs the recovery",
  ignore: !hasRedis,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const redisPort = freePort();
    let redis = await startRedis(redisPort);
    const databaseUrl = `file:${dir}/parley.db`;
    const { admin } = await seedDatabaseFile(databaseUrl, {});
    const logs: string[] = [];
    const server = await startInstance({ DATABASE_URL: databaseUrl, BUS: `redis://127.0.0.1:${redisPort}` }, { logs });
    try {
      const created = await fetch(
        `${server.url}/api/chat/conversations/`,
        json({ kind: "group", title: "Ops", participant_ids: [] }, admin.auth),
      );
      assert.equal(created.status, 201);
      const room = (await created.json()).id;
      const post = async (content: string) => {
        const res = await fetch(
          `${server.url}/api/chat/conversations/${room}/messages/`,
          json({ content }, admin.auth),
        );
        assert.equal(res.status, 201);
        await res.body?.cancel();
      };
      await post("while Redis is up");
      assert.deepEqual(failures(logs), [], logs.join("\n"));

      redis.kill("SIGKILL");
      await redis.status;
      // sends keep working; each one's publish fails, and the client keeps reconnecting
      for (let i = 0; i < 20; i++) await post(`while Redis is down ${i}`);
      await until(() => failures(logs).length === 2, "both connections to log their failure");
      await new Promise((r) => setTimeout(r, 1_500));
      for (let i = 0; i < 20; i++) await post(`still down ${i}`);

      const failed = failures(logs);
      assert.deepEqual(failed.map((l) => [l.level, l.connection]).sort(), [["error", "publish"], [
        "error",
        "subscribe",
      ]]);
      assert.ok(failed.every((l) => typeof l.error === "string" && l.error.length > 0));

      redis = await startRedis(redisPort);
      await until(() => recoveries(logs).length === 2, "both connections to log their recovery");
      await post("Redis is back");
      assert.deepEqual(recoveries(logs).map((l) => [l.level, l.connection]).sort(), [
        ["info", "publish"],
        ["info", "subscribe"],
      ]);
      assert.equal(failures(logs).length, 2);
    } finally {
      await server.stop();
      try {
        redis.kill("SIGTERM");
      } catch { /* already stopped */ }
      await redis.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
