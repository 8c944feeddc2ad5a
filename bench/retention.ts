/**
 * Retention benchmark: a workspace with BENCH_MESSAGES messages (default 50,000), indexed
 * for search, one in ten with a reaction and one in five a reply; half are deleted on day 0
 * and the workspace keeps messages 30 days. On day 91 the retention job purges everything
 * but the replies' stubs. Prints one JSON line: messages purged, transactions, the longest
 * one (the write gate is held for at most that long), the whole run's time, and the p99 of
 * small writes made while it ran (the job yields to them between its batches).
 *
 *   deno task bench:retention
 *   BENCH_MESSAGES=200000 deno task bench:retention
 */
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createWorkspace } from "../chat/accounts/accounts.ts";
import { indexNow } from "../chat/search/indexer.ts";

const TOTAL = Number(Deno.env.get("BENCH_MESSAGES") ?? 50_000);
const DAY = 24 * 60 * 60 * 1000;

const dir = await Deno.makeTempDir({ prefix: "parley-retention-bench-" });
try {
  const config = loadConfig({ DATABASE_URL: `file:${dir}/parley.db`, ATTACHMENTS: "db" });
  const deps = await createRuntime(config, {
    sessionSecret: "bench-secret-bench-secret-bench-secret!!",
    startRealtime: false,
    startRetention: false,
  });
  const client = deps.database.client;
  const { tenant, user } = await createWorkspace(deps.database.db, {
    name: "Bench",
    slug: "bench",
    admin: { name: "Admin", email: "admin@bench.test", password: null },
  });
  const t0 = Date.UTC(2026, 0, 1);
  const conversation = crypto.randomUUID();
  await client.execute({
    sql: `INSERT INTO conversations (id, tenant_id, kind, title, created_at, updated_at, custom_fields)
      VALUES (?, ?, 'group', 'bench', ?, ?, '{}')`,
    args: [conversation, tenant.id, t0, t0],
  });
  // ids in creation order; every fifth message replies to the one before it
  await client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, parent_id, created_at,
        updated_at, deleted_at, deleted_by)
      SELECT printf('00000000-0000-7000-8000-%012d', i), ?, ?, ?, 'text',
        CASE WHEN i % 2 = 0 THEN '' ELSE 'quarterly report number ' || i END,
        CASE WHEN i % 5 = 0 THEN printf('00000000-0000-7000-8000-%012d', i - 1) END,
        ? + i, ? + i, CASE WHEN i % 2 = 0 THEN ? END, CASE WHEN i % 2 = 0 THEN ? END FROM n`,
    args: [TOTAL, tenant.id, conversation, user.id, t0, t0, t0, user.id],
  });
  await client.execute({
    sql: `INSERT INTO reactions (id, tenant_id, message_id, user_id, emoji, created_at)
      SELECT 'r' || id, tenant_id, id, sender_id, '👍', created_at FROM messages WHERE rowid % 10 = 0`,
    args: [],
  });
  await indexNow(deps.database.db);
  await client.execute({
    sql: `UPDATE tenants SET settings = json_set(settings, '$.message_retention_days', 30) WHERE id = ?`,
    args: [tenant.id],
  });

  deps.now = () => t0 + 91 * DAY;
  // small writes beside the job, as sends would be
  let running = true;
  const writes: number[] = [];
  const writer = (async () => {
    while (running) {
      const began = performance.now();
      await deps.database.db.transaction(async (tx) => {
        await tx.run(`UPDATE tenants SET name = 'Bench' WHERE id = '${tenant.id}'`);
      });
      writes.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const began = performance.now();
  const run = await deps.retention.run();
  const ms = performance.now() - began;
  running = false;
  await writer;
  writes.sort((a, b) => a - b);
  const left = await client.execute("SELECT count(*) AS n FROM messages");
  console.log(JSON.stringify({
    bench: "retention",
    messages: TOTAL,
    purged_messages: run.purged_messages,
    stubs_left: Number(left.rows[0].n),
    batches: run.batches,
    longest_batch_ms: Number(run.longest_batch_ms.toFixed(1)),
    run_ms: Math.round(ms),
    purged_per_s: Math.round(run.purged_messages / (ms / 1000)),
    concurrent_writes: writes.length,
    concurrent_write_p99_ms: Number((writes[Math.floor(writes.length * 0.99)] ?? 0).toFixed(1)),
    load_avg_1m: Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]),
  }));
  await deps.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
