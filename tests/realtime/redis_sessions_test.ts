import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { json } from "../helpers.ts";
import { SseReader } from "./sse_reader.ts";
import { freePort, REDIS, seedDatabaseFile, startInstance, startRedis } from "./processes.ts";

const hasRedis = existsSync(REDIS);
if (!hasRedis) console.warn(`SKIPPED: the two-instance Redis tests need ${REDIS} (apt-get install redis-server)`);

Deno.test({
  name: "over Redis, logout and a role change on instance 1 end the streams on instance 2 within 1 s",
  ignore: !hasRedis,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const redisPort = freePort();
    const redis = await startRedis(redisPort);
    const databaseUrl = `file:${dir}/parley.db`;
    const { admin, users: { bob, carol } } = await seedDatabaseFile(databaseUrl, { bob: "member", carol: "member" });
    const env = { DATABASE_URL: databaseUrl, BUS: `redis://127.0.0.1:${redisPort}` };
    const [one, two] = await Promise.all([startInstance(env), startInstance(env)]);
    try {
      const bobs = await SseReader.open(`${two.url}/api/chat/events`, bob.auth);
      const carols = await SseReader.open(`${two.url}/ui/events`, carol.auth);
      const admins = await SseReader.open(`${two.url}/api/chat/events`, admin.auth);
      // right after its first heartbeat a stream's session was just re-checked, and the next
      // re-check is a whole interval away: only the bus can end it within the second
      const heartbeat = (s: SseReader) => s.until(() => s.comments.includes("heartbeat"), 25_000, "a heartbeat");
      await Promise.all([bobs, carols, admins].map(heartbeat));

      const [out] = await Promise.all([fetch(`${one.url}/api/auth/logout`, json({}, bob.auth)), bobs.end(1000)]);
      const [demoted] = await Promise.all([
        fetch(`${one.url}/api/admin/users/${carol.user.id}`, {
          ...json({ role: "guest" }, admin.auth),
          method: "PATCH",
        }),
        carols.end(1000),
      ]);

      assert.equal(out.status, 200);
      assert.equal(demoted.status, 200);
      await Promise.all([out.body?.cancel(), demoted.body?.cancel()]);
      assert.equal(admins.ended, false);
      await admins.close();
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      redis.kill("SIGTERM");
      await redis.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
