import assert from "node:assert/strict";
import { group, type LiveWorld, liveWorld, post } from "./live_world.ts";
import type { SeededUser } from "../helpers.ts";
import { createRuntime } from "../../server/runtime.ts";
import { loadConfig } from "../../server/config.ts";
import { seedTenant } from "../helpers.ts";
import { DELETED_CONTENT } from "../../chat/messages/object.ts";

const DAY = 24 * 60 * 60 * 1000;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2]);

/** A clock the server reads, moved by the test. */
function clock(w: LiveWorld) {
  let now = Date.UTC(2026, 0, 10, 12);
  w.deps.now = () => now;
  return {
    set: (ms: number) => now = ms,
    get start() {
      return Date.UTC(2026, 0, 10, 12);
    },
  };
}

async function row(w: LiveWorld, id: string) {
  const res = await w.deps.database.client.execute({
    sql: "SELECT content, deleted_at, purged_at, parent_id, has_attachments FROM messages WHERE id = ?",
    args: [id],
  });
  return res.rows[0];
}

async function count(w: LiveWorld, sql: string, ...args: string[]) {
  return Number((await w.deps.database.client.execute({ sql, args })).rows[0][0]);
}

/** Sends a message with one file over multipart; returns the message object. */
async function postFile(w: LiveWorld, who: SeededUser, conversationId: string, content: string, parentId?: string) {
  const form = new FormData();
  form.append("content", content);
  if (parentId) form.append("parent_id", parentId);
  form.append("attachments", new File([PNG], "dot.png", { type: "image/png" }));
  const res = await fetch(`${w.url}/api/chat/conversations/${conversationId}/messages/`, {
    method: "POST",
    headers: who.auth,
    body: form,
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

async function files(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(path: string) {
    for await (const e of Deno.readDir(path)) {
      if (e.isDirectory) await walk(`${path}/${e.name}`);
      else found.push(`${path}/${e.name}`.slice(dir.length + 1));
    }
  }
  await walk(dir).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  return found.sort();
}

Deno.test("over HTTP, a deleted message is purged 90 days after deletion: kept at 89, gone at 91, a replied-to one as a stub", async () => {
  const w = await liveWorld();
  const t = clock(w);
  const conv = await group(w, w.admin, [w.bob, w.carol]);
  const lone = await post(w, w.bob, conv, "lonely words about zeppelins");
  const parent = await post(w, w.bob, conv, "a question about zeppelins");
  const reply = await w.call(w.carol, "POST", `/conversations/${conv}/messages/`, {
    content: "an answer",
    parent_id: parent.id,
  });
  const kept = await post(w, w.bob, conv, "a message nobody deletes");
  assert.equal((await w.call(w.carol, "POST", `/messages/${lone.id}/reactions`, { emoji: "👍" })).status, 201);
  assert.equal((await w.call(w.bob, "DELETE", `/messages/${lone.id}/`)).status, 200);
  assert.equal((await w.call(w.bob, "DELETE", `/messages/${parent.id}/`)).status, 200);
  // deleted on day 0; the other workspace deletes one on day 10
  const otherConv = await group(w, w.outsider, [w.zed]);
  const theirs = await post(w, w.zed, otherConv, "theirs");
  t.set(t.start + 10 * DAY);
  assert.equal((await w.call(w.zed, "DELETE", `/messages/${theirs.id}/`)).status, 200);

  t.set(t.start + 89 * DAY);
  const early = await w.deps.retention.run();
  const earlyLone = await row(w, lone.id);
  t.set(t.start + 91 * DAY);
  const due = await w.deps.retention.run();
  const settings = await w.call(w.admin, "GET", "/api/admin/settings");
  const otherSettings = await w.call(w.outsider, "GET", "/api/admin/settings");
  const stub = await w.call(w.carol, "GET", `/messages/${parent.id}/`);
  const gone = await w.call(w.carol, "GET", `/messages/${lone.id}/`);
  const replyNow = await w.call(w.carol, "GET", `/messages/${reply.body.id}/`);
  const audits = await w.deps.database.client.execute(
    "SELECT tenant_id, actor_id, data FROM audit_log WHERE action = 'retention.purged'",
  );

  assert.equal(early.purged_messages, 0, "89 days after deletion nothing is due");
  assert.ok(earlyLone, "the tombstone is still there at 89 days");
  assert.equal(due.purged_messages, 2);
  assert.equal(await row(w, lone.id), undefined, "a deleted message without replies is gone at 91 days");
  assert.equal(gone.status, 404);
  assert.equal(await count(w, "SELECT count(*) FROM reactions WHERE message_id = ?", lone.id), 0);
  const stubRow = (await row(w, parent.id))!;
  assert.equal(stubRow.content, "");
  assert.ok(stubRow.purged_at !== null && stubRow.deleted_at !== null);
  assert.equal(stub.status, 200, "a deleted message with a reply stays as a stub");
  assert.equal(stub.body.is_deleted, true);
  assert.equal(stub.body.content, DELETED_CONTENT);
  assert.equal(replyNow.status, 200);
  assert.equal(replyNow.body.parent_id, parent.id, "the reply still points at its parent");
  assert.equal(replyNow.body.content, "an answer");
  assert.equal((await row(w, kept.id))!.content, "a message nobody deletes");
  assert.ok(await row(w, theirs.id), "deleted 81 days ago in the other workspace: not yet due");
  assert.deepEqual(settings.body.retention_last_run, {
    at: new Date(t.start + 91 * DAY).toISOString(),
    purged_messages: 2,
    purged_attachments: 0,
  });
  assert.deepEqual(otherSettings.body.retention_last_run, {
    at: new Date(t.start + 91 * DAY).toISOString(),
    purged_messages: 0,
    purged_attachments: 0,
  });
  assert.equal(audits.rows.length, 1, "audited once, in the workspace where something was removed");
  assert.equal(audits.rows[0].tenant_id, w.admin.user.tenantId);
  assert.equal(audits.rows[0].actor_id, null);
  assert.equal(JSON.parse(String(audits.rows[0].data)).purged_messages, 2);

  // the stub's last reply goes: the stub goes with it on the next due run
  assert.equal((await w.call(w.carol, "DELETE", `/messages/${reply.body.id}/`)).status, 200);
  t.set(t.start + 200 * DAY);
  const later = await w.deps.retention.run();
  assert.equal(later.purged_messages, 2, "the reply, and the other workspace's message");
  assert.equal(await row(w, reply.body.id), undefined);
  assert.equal(await row(w, parent.id), undefined, "a stub without replies left is removed");
  assert.equal(await row(w, theirs.id), undefined);
  assert.equal((await row(w, kept.id))!.content, "a message nobody deletes");
  await w.close();
});

Deno.test("over HTTP, message_retention_days purges older messages with their files, keeps thread shape, spares other workspaces", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-retention-" });
  const w = await liveWorld({ ATTACHMENTS: `fs:${dir}` });
  const t = clock(w);
  const conv = await group(w, w.admin, [w.bob, w.carol]);
  const old = await post(w, w.bob, conv, "@carol the quarterly zeppelin report");
  const parent = await postFile(w, w.bob, conv, "plans for the zeppelin hangar");
  assert.equal((await w.call(w.carol, "POST", `/messages/${old.id}/reactions`, { emoji: "🎈" })).status, 201);
  assert.equal(
    (await w.call(w.bob, "PATCH", `/messages/${old.id}/`, { content: "@carol the zeppelin report" })).status,
    200,
  );
  const otherConv = await group(w, w.outsider, [w.zed]);
  const theirs = await postFile(w, w.zed, otherConv, "their zeppelin file");
  t.set(t.start + 20 * DAY);
  const reply = await w.call(w.carol, "POST", `/conversations/${conv}/messages/`, {
    content: "zeppelin reply",
    parent_id: parent.id,
  });
  assert.equal(reply.status, 201);
  const before = await files(dir);
  const searchBefore = await w.call(w.carol, "GET", `/search/?q=zeppelin`);

  const refusals = [
    await w.call(w.admin, "PUT", "/api/admin/settings", { retention_last_run: null }),
    await w.call(w.admin, "PUT", "/api/admin/settings", { message_retention_days: 0 }),
    await w.call(w.admin, "PUT", "/api/admin/settings", { message_retention_days: "30" }),
  ];
  const byMember = await w.call(w.bob, "PUT", "/api/admin/settings", { message_retention_days: 1 });
  const put = await w.call(w.admin, "PUT", "/api/admin/settings", { message_retention_days: 30 });
  t.set(t.start + 31 * DAY);
  const run = await w.deps.retention.run();
  const settings = await w.call(w.admin, "GET", "/api/admin/settings");
  const after = await files(dir);
  const searchAfter = await w.call(w.carol, "GET", `/search/?q=zeppelin`);
  const stub = await w.call(w.carol, "GET", `/messages/${parent.id}/`);
  const page = await w.call(w.carol, "GET", `/conversations/${conv}/messages/`);

  for (const r of refusals) assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.match(JSON.stringify(refusals[0].body), /retention_last_run/, "the read-only key is named");
  assert.equal(byMember.status, 403);
  assert.equal(put.status, 200);
  assert.equal(put.body.message_retention_days, 30);
  assert.equal(before.length, 2, "one file per workspace on disk");
  assert.equal(searchBefore.body.length, 3);

  assert.equal(run.purged_messages, 2);
  assert.equal(run.purged_attachments, 1);
  assert.equal(await row(w, old.id), undefined, "older than 30 days and without replies: gone");
  for (const table of ["reactions", "mentions", "message_edits", "attachments"]) {
    assert.equal(
      await count(w, `SELECT count(*) FROM ${table} WHERE message_id IN (?, ?)`, old.id, parent.id),
      0,
      `${table} of purged messages`,
    );
  }
  assert.equal(after.length, 1, "the purged message's file is removed from disk");
  assert.ok(after[0].startsWith(w.outsider.user.tenantId), "the other workspace's file stays");
  assert.ok(await row(w, theirs.id), "the other workspace keeps its messages");
  assert.equal(stub.status, 200);
  assert.equal(stub.body.content, DELETED_CONTENT);
  assert.deepEqual(stub.body.attachments, []);
  assert.equal(stub.body.is_deleted, true, "a purged parent reads as deleted");
  const ids = page.body.map((m: { id: string }) => m.id);
  assert.ok(ids.includes(parent.id) && ids.includes(reply.body.id), "the thread keeps its shape");
  assert.equal((await row(w, reply.body.id))!.content, "zeppelin reply");
  assert.deepEqual(
    searchAfter.body.map((m: { id: string }) => m.id),
    [reply.body.id],
    "search finds nothing purged",
  );
  assert.equal(settings.body.message_retention_days, 30);
  assert.deepEqual(settings.body.retention_last_run, {
    at: new Date(t.start + 31 * DAY).toISOString(),
    purged_messages: 2,
    purged_attachments: 1,
  });

  // a second run finds nothing more: stubs are not purged twice
  const again = await w.deps.retention.run();
  assert.equal(again.purged_messages, 0);
  await w.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a large purge runs in many short batches, and the server's runtime runs the job at start", async () => {
  const w = await liveWorld();
  const t = clock(w);
  const conv = await group(w, w.admin, [w.bob]);
  const tenantId = w.admin.user.tenantId;
  // history written straight into the database: 1,000 messages deleted on day 0
  await w.deps.database.client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
      INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, created_at, updated_at,
        deleted_at, deleted_by)
      SELECT printf('00000000-0000-7000-8000-%012d', i), ?, ?, ?, 'text', '', ?, ?, ?, ? FROM n`,
    args: [tenantId, conv, w.bob.user.id, t.start, t.start, t.start, w.bob.user.id],
  });
  t.set(t.start + 91 * DAY);
  const run = await w.deps.retention.run();
  assert.equal(run.purged_messages, 1000);
  assert.ok(run.batches >= 5, `a batch purges at most 200 messages (took ${run.batches} batches)`);
  assert.equal(
    await count(w, "SELECT count(*) FROM messages WHERE tenant_id = ? AND deleted_at IS NOT NULL", tenantId),
    0,
  );
  await w.close();

  // as main.ts starts it: the job runs once at start, and every workspace sees that run
  const dir = await Deno.makeTempDir({ prefix: "parley-retention-start-" });
  const config = loadConfig({ DATABASE_URL: `file:${dir}/parley.db`, ATTACHMENTS: "db" });
  const first = await createRuntime(config, {
    sessionSecret: "test-secret-test-secret-test-secret-!",
    startRealtime: false,
  });
  const seeded = await seedTenant(first, "acme");
  await first.close();
  const second = await createRuntime(config, {
    sessionSecret: "test-secret-test-secret-test-secret-!",
    startRealtime: false,
  });
  let runs = 0;
  for (let i = 0; i < 200 && runs === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
    runs = Number(
      (await second.database.client.execute({
        sql: "SELECT count(*) FROM retention_runs WHERE tenant_id = ?",
        args: [seeded.tenant.id],
      })).rows[0][0],
    );
  }
  await second.close();
  assert.equal(runs, 1, "the job ran at start");
  await Deno.remove(dir, { recursive: true });
});
