import assert from "node:assert/strict";
import { startServer } from "../realtime/server.ts";
import { seedTenant } from "../helpers.ts";
import { openDatabase } from "../../db/client.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `deno task backup|restore …` as an operator would, with the given environment. */
async function task(name: "backup" | "restore", arg: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, arg],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

type Row = Record<string, unknown>;

async function messageRows(url: string): Promise<Map<string, Row>> {
  const database = await openDatabase(url);
  try {
    const { rows } = await database.client.execute(
      "SELECT id, tenant_id, conversation_id, sender_id, kind, content, created_at, deleted_at FROM messages",
    );
    return new Map(rows.map((r) => [r.id as string, { ...r }]));
  } finally {
    await database.close();
  }
}

Deno.test("a backup taken during a burst of sends fails no request and restores every message it holds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-backup-" });
  const live = { DATABASE_URL: `file:${dir}/live/parley.db`, ATTACHMENTS: `fs:${dir}/live/attachments` };
  // the burst is not about rate limits
  const server = await startServer({}, { ...live, RATE_LIMIT_MESSAGES_PER_MIN: "1000000" });
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const headers = { ...acme.users.bob.auth, "content-type": "application/json" };
  const group = await (await fetch(`${server.url}/api/chat/conversations`, {
    method: "POST",
    headers,
    body: JSON.stringify({ title: "Burst", participant_ids: [acme.admin.user.id] }),
  })).json();
  const messagesUrl = `${server.url}/api/chat/conversations/${group.id}/messages`;
  const form = new FormData();
  form.append("attachments", new File(["the quarterly numbers"], "q3.txt", { type: "text/plain" }));
  const withFile = await (await fetch(messagesUrl, { method: "POST", headers: acme.users.bob.auth, body: form }))
    .json();
  let sent = 0;
  const statuses: number[] = [];
  let sending = true;
  const sender = async (lane: number) => {
    for (let i = 0; sending || i < 20; i++) {
      const res = await fetch(messagesUrl, {
        method: "POST",
        headers,
        body: JSON.stringify({ content: `lane ${lane} message ${i} ${"x".repeat(200)}` }),
      });
      statuses.push(res.status);
      await res.body?.cancel();
      sent++;
    }
  };

  const lanes = [0, 1, 2, 3, 4, 5].map(sender);
  while (sent < 100) await new Promise((r) => setTimeout(r, 10));
  const before = await messageRows(live.DATABASE_URL);
  const sentBeforeBackup = sent;
  const taken = await task("backup", `${dir}/backups`, live);
  const sentDuringBackup = sent;
  sending = false;
  await Promise.all(lanes);
  const folder = `${dir}/backups/${[...Deno.readDirSync(`${dir}/backups`)][0].name}`;
  const manifest = JSON.parse(await Deno.readTextFile(`${folder}/manifest.json`));
  const target = { DATABASE_URL: `file:${dir}/restored/parley.db`, ATTACHMENTS: `fs:${dir}/restored/attachments` };
  const restored = await task("restore", folder, target);
  const backedUp = await messageRows(target.DATABASE_URL);
  const after = await messageRows(live.DATABASE_URL);
  const files = await Array.fromAsync(Deno.readDir(`${dir}/restored/attachments`));

  assert.equal(taken.code, 0, taken.stderr);
  assert.equal(restored.code, 0, restored.stderr);
  assert.ok(sentDuringBackup > sentBeforeBackup, "sends went on while the backup ran");
  assert.deepEqual([...new Set(statuses)], [201], "no send failed");
  assert.ok(before.size >= 100 && after.size > before.size);
  // everything committed before the backup started is in it, and every message in it is as it was sent
  for (const id of before.keys()) assert.ok(backedUp.has(id), `message ${id} sent before the backup is in it`);
  for (const [id, row] of backedUp) assert.deepEqual(row, after.get(id), `message ${id} restored as stored`);
  assert.equal(manifest.counts.messages, backedUp.size);
  assert.ok(manifest.files.some((f: { path: string }) => f.path === "parley.db"));
  assert.ok(manifest.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256)));
  assert.ok(files.length > 0);
  // the restored server serves the file of the message sent before the backup
  await server.close();
  const again = await startServer({}, target);
  const download = await fetch(`${again.url}${withFile.attachments[0].url}`, { headers: acme.users.bob.auth });
  assert.equal(await download.text(), "the quarterly numbers");
  await again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("restore into a place that is not empty, or from a tampered backup, fails and changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-restore-" });
  const live = { DATABASE_URL: `file:${dir}/live/parley.db`, ATTACHMENTS: `fs:${dir}/live/attachments` };
  const server = await startServer({}, live);
  await seedTenant(server.deps, "acme");
  const taken = await task("backup", `${dir}/backups`, live);
  await server.close();
  const folder = `${dir}/backups/${[...Deno.readDirSync(`${dir}/backups`)][0].name}`;
  await Deno.mkdir(`${dir}/busy`);
  await Deno.writeTextFile(`${dir}/busy/parley.db`, "someone's database");
  await Deno.mkdir(`${dir}/busy-files/attachments/acme`, { recursive: true });
  await Deno.writeTextFile(`${dir}/busy-files/attachments/acme/f`, "someone's file");

  const overDatabase = await task("restore", folder, {
    DATABASE_URL: `file:${dir}/busy/parley.db`,
    ATTACHMENTS: `fs:${dir}/busy/attachments`,
  });
  const overFiles = await task("restore", folder, {
    DATABASE_URL: `file:${dir}/busy-files/parley.db`,
    ATTACHMENTS: `fs:${dir}/busy-files/attachments`,
  });
  await Deno.writeTextFile(`${folder}/parley.db`, "tampered", { append: true });
  const tampered = await task("restore", folder, {
    DATABASE_URL: `file:${dir}/fresh/parley.db`,
    ATTACHMENTS: `fs:${dir}/fresh/attachments`,
  });

  assert.equal(taken.code, 0, taken.stderr);
  assert.notEqual(overDatabase.code, 0);
  assert.match(overDatabase.stderr, /busy\/parley\.db is not empty/);
  assert.equal(await Deno.readTextFile(`${dir}/busy/parley.db`), "someone's database");
  assert.deepEqual((await Array.fromAsync(Deno.readDir(`${dir}/busy`))).map((e) => e.name), ["parley.db"]);
  assert.notEqual(overFiles.code, 0);
  assert.match(overFiles.stderr, /attachments is not empty/);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(`${dir}/busy-files`))).map((e) => e.name), ["attachments"]);
  assert.equal(await Deno.readTextFile(`${dir}/busy-files/attachments/acme/f`), "someone's file");
  assert.notEqual(tampered.code, 0);
  assert.match(tampered.stderr, /parley\.db does not match its SHA-256/);
  await assert.rejects(Deno.stat(`${dir}/fresh`), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});
