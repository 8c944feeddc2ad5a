import assert from "node:assert/strict";
import { group, type LiveWorld, liveWorld, post } from "./live_world.ts";
import { indexNow } from "../../chat/search/indexer.ts";

const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2026, 0, 10, 12);
const OLD = 1_000;

async function value(w: LiveWorld, sql: string): Promise<unknown> {
  return (await w.deps.database.client.execute(sql)).rows[0]?.[0];
}

/** FTS5's own check that an index holds exactly what its content view lists. */
async function integrityCheck(w: LiveWorld, table: string) {
  await w.deps.database.client.execute(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`);
}

async function search(w: LiveWorld, q: string): Promise<string[]> {
  const res = await w.call(w.carol, "GET", `/search/?q=${encodeURIComponent(q)}&limit=50`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.map((m: { id: string }) => m.id).sort();
}

Deno.test("a purge of many indexed messages leaves the search indexes exact and merged, their merge settings as they were", async () => {
  const w = await liveWorld();
  let now = START;
  w.deps.now = () => now;
  const conv = await group(w, w.admin, [w.bob, w.carol]);
  const tenantId = w.admin.user.tenantId;
  // history written straight into the database and indexed: OLD messages on day 0, one in
  // ten in a script without spaces between words, every fifth a reply to the one before
  await w.deps.database.client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, parent_id, created_at,
        updated_at)
      SELECT printf('00000000-0000-7000-8000-%012d', i), ?, ?, ?, 'text',
        CASE WHEN i % 10 = 0 THEN '飛行船の記録' || i ELSE 'zeppelin logbook entry oldword' || i || 'z' END,
        CASE WHEN i % 5 = 0 THEN printf('00000000-0000-7000-8000-%012d', i - 1) END, ?, ? FROM n`,
    args: [OLD, tenantId, conv, w.bob.user.id, START, START],
  });
  await indexNow(w.deps.database.db);
  // a setting of the index's own, which the purge must leave as it found it
  await w.deps.database.client.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 8)");
  now = START + 40 * DAY;
  const kept = [
    await post(w, w.bob, conv, "zeppelin logbook entry recent"),
    await post(w, w.carol, conv, "another zeppelin logbook entry"),
  ];
  const keptCjk = await post(w, w.bob, conv, "新しい飛行船の記録");
  await indexNow(w.deps.database.db);
  const before = {
    words: await search(w, "zeppelin"),
    cjk: await search(w, "飛行船"),
    one: await search(w, "oldword7z"),
  };
  const put = await w.call(w.admin, "PUT", "/api/admin/settings", { message_retention_days: 30 });
  assert.equal(put.status, 200, JSON.stringify(put.body));

  const run = await w.deps.retention.run();

  assert.equal(before.words.length, 50, "a full page of old and new messages was found before");
  assert.equal(before.cjk.length, 50);
  assert.equal(before.one.length, 1);
  assert.equal(run.purged_messages, OLD);
  assert.ok(run.batches >= 5, `the purge took several batches (${run.batches})`);
  assert.deepEqual(await search(w, "zeppelin"), kept.map((m) => m.id).sort(), "only the kept messages are found");
  assert.deepEqual(await search(w, "logbook entry"), kept.map((m) => m.id).sort());
  assert.deepEqual(await search(w, "飛行船"), [keptCjk.id], "the substring index lost the purged ones too");
  assert.deepEqual(await search(w, "oldword7z"), [], "a purged message is not found by its own word");
  assert.deepEqual(await search(w, "zepp"), kept.map((m) => m.id).sort(), "nor by a prefix");
  await integrityCheck(w, "messages_fts");
  await integrityCheck(w, "messages_fts_cjk");
  // every batch wrote its deletions as segments of their own; the job merged them after
  const segments = Number(await value(w, "SELECT count(DISTINCT segid) FROM messages_fts_idx"));
  assert.ok(segments <= 12, `the word index is merged (${segments} segments)`);
  const cjkSegments = Number(await value(w, "SELECT count(DISTINCT segid) FROM messages_fts_cjk_idx"));
  assert.ok(cjkSegments <= 12, `the substring index is merged (${cjkSegments} segments)`);
  assert.equal(Number(await value(w, "SELECT v FROM messages_fts_config WHERE k = 'automerge'")), 8);
  assert.equal(Number(await value(w, "SELECT v FROM messages_fts_cjk_config WHERE k = 'automerge'")), 4);
  assert.equal(Number(await value(w, "SELECT v FROM messages_fts_config WHERE k = 'crisismerge'")), 16);

  // search keeps working for what is sent next
  const next = await post(w, w.carol, conv, "zeppelin after the purge");
  await indexNow(w.deps.database.db);
  assert.deepEqual(await search(w, "zeppelin"), [...kept.map((m) => m.id), next.id].sort());
  await integrityCheck(w, "messages_fts");
  await w.close();
});
