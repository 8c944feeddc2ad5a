import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { json } from "../helpers.ts";
import { SseReader } from "./sse_reader.ts";
import { freePort, REDIS, seedDatabaseFile, startInstance, startRedis } from "./processes.ts";

const hasRedis = existsSync(REDIS);
if (!hasRedis) console.warn(`SKIPPED: the two-instance Redis tests need ${REDIS} (apt-get install redis-server)`);

function contents(reader: SseReader): string[] {
  return reader.of("message_created").map((m) => JSON.parse(m.data).message.content);
}

Deno.test({
  name:
    "two instances share one database and Redis: a stream on one gets the other's messages in order, across a Redis restart and a SIGTERM",
  ignore: !hasRedis,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const redisPort = freePort();
    let redis = await startRedis(redisPort);
    const databaseUrl = `file:${dir}/parley.db`;
    const acme = await seedDatabaseFile(databaseUrl, { bob: "member" });
    const env = { DATABASE_URL: databaseUrl, BUS: `redis://127.0.0.1:${redisPort}` };
    const [one, two] = await Promise.all([startInstance(env), startInstance(env)]);
    const { admin, users: { bob } } = acme;
    try {
      const created = await fetch(
        `${one.url}/api/chat/conversations/`,
        json({ kind: "group", title: "Team", participant_ids: [bob.user.id] }, admin.auth),
      );
      assert.equal(created.status, 201);
      const team = (await created.json()).id;
      const post = async (content: string, on = one) => {
        const res = await fetch(`${on.url}/api/chat/conversations/${team}/messages/`, json({ content }, admin.auth));
        assert.equal(res.status, 201, await res.clone().text());
        await res.body?.cancel();
      };
      const stream = await SseReader.open(`${two.url}/api/chat/events`, bob.auth);
      await stream.count("connected", 1);

      let slowest = 0;
      for (let i = 1; i <= 20; i++) {
        const sent = Date.now();
        await post(`a${i}`);
        await stream.count("message_created", i);
        slowest = Math.max(slowest, Date.now() - sent);
      }

      // the safety-net read runs once a second; only the Redis notification is this fast every time
      assert.ok(slowest < 400, `slowest cross-instance delivery took ${slowest} ms`);
      assert.deepEqual(contents(stream), Array.from({ length: 20 }, (_, i) => `a${i + 1}`));

      redis.kill("SIGKILL");
      await redis.status;
      for (let i = 1; i <= 10; i++) await post(`b${i}`);
      await stream.count("message_created", 30, 10_000);
      redis = await startRedis(redisPort);
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 1; i <= 10; i++) await post(`c${i}`);
      await stream.count("message_created", 40, 10_000);

      assert.deepEqual(contents(stream).slice(20), [
        ...Array.from({ length: 10 }, (_, i) => `b${i + 1}`),
        ...Array.from({ length: 10 }, (_, i) => `c${i + 1}`),
      ]);

      const cursor = stream.of("message_created").at(-1)!.id!;
      await two.stop("SIGTERM");
      await stream.end();
      for (let i = 1; i <= 5; i++) await post(`d${i}`);
      const resumed = await SseReader.open(`${one.url}/api/chat/events`, { ...bob.auth, "last-event-id": cursor });
      await resumed.count("message_created", 5);

      assert.equal(stream.retry, 500);
      assert.deepEqual(contents(resumed), ["d1", "d2", "d3", "d4", "d5"]);
      await resumed.close();
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      try {
        redis.kill("SIGTERM");
      } catch { /* already stopped */ }
      await redis.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
