/**
 * Session re-check benchmark: the query each heartbeat slice runs for the distinct sessions
 * of its streams. Seeds a database file with BENCH_STREAMS sessions (one stream each, ten
 * per user), then times the look-up of one slice's worth (a twentieth of them) again and
 * again. The query runs on the server's thread, so its time is how long the slice delays
 * everything else. Prints one JSON line.
 *
 * Options (environment): BENCH_STREAMS (default 10000), BENCH_SAMPLES (default 200).
 */
import { openDatabase } from "../db/client.ts";
import { liveSessions } from "../db/sessions.ts";
import { sessions, tenants, users } from "../db/schema/mod.ts";
import { uuidv7 } from "../db/ids.ts";

const STREAMS = Number(Deno.env.get("BENCH_STREAMS") ?? 10_000);
const SAMPLES = Number(Deno.env.get("BENCH_SAMPLES") ?? 200);
/** The hub's heartbeat slices (one group's sessions per query). */
const SLICES = 20;
const SESSIONS_PER_USER = 10;

const dir = await Deno.makeTempDir();
const database = await openDatabase(`file:${dir}/bench.db`);
const db = database.db;
const tenantId = uuidv7();
const now = new Date();
await db.insert(tenants).values({ id: tenantId, slug: "bench", name: "Bench", settings: {}, createdAt: now });
const ids: string[] = [];
await db.transaction(async (tx) => {
  for (let u = 0; u < STREAMS / SESSIONS_PER_USER; u++) {
    const userId = uuidv7();
    await tx.insert(users).values({
      id: userId,
      tenantId,
      email: `u${u}@bench.test`,
      username: `u${u}`,
      name: `User ${u}`,
      createdAt: now,
      updatedAt: now,
    });
    const rows = Array.from({ length: SESSIONS_PER_USER }, () => ({
      id: uuidv7(),
      tenantId,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
    }));
    await tx.insert(sessions).values(rows);
    ids.push(...rows.map((r) => r.id));
  }
});

const slice = Math.ceil(STREAMS / SLICES);
const times: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const start = (i * slice) % STREAMS;
  const group = ids.slice(start, start + slice);
  const began = performance.now();
  const live = await liveSessions(db, group, Date.now());
  times.push(performance.now() - began);
  if (live.size !== group.length) throw new Error(`expected ${group.length} live sessions, got ${live.size}`);
}
times.sort((a, b) => a - b);
const at = (p: number) => +times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(3);
console.log(JSON.stringify({
  bench: "session_recheck",
  streams: STREAMS,
  sessions_per_query: slice,
  queries_per_second_at_20s_heartbeat: SLICES / 20,
  median_ms: at(0.5),
  p99_ms: at(0.99),
  max_ms: +times.at(-1)!.toFixed(3),
  load_avg_1m: Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]),
}));
await database.close();
await Deno.remove(dir, { recursive: true });
