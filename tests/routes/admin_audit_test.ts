import assert from "node:assert/strict";
import { startServer } from "../realtime/server.ts";
import { seedTenant } from "../helpers.ts";
import { audit } from "../../db/audit.ts";
import type { TenantId } from "../../chat/tenancy.ts";

type Entry = {
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

/** A real server with two workspaces: acme (admin, bob, dan the guest) and globex (admin). */
async function world() {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", dan: "guest" });
  const globex = await seedTenant(server.deps, "globex");
  const call = async (method: string, path: string, auth: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  const entries = async (query: string, auth = acme.admin.auth): Promise<Entry[]> => {
    const res = await call("GET", `/api/admin/audit/${query}`, auth);
    assert.equal(res.status, 200, res.text);
    return res.json();
  };
  return { server, acme, globex, call, entries };
}

Deno.test("the audit log records who did what, over HTTP, newest first", async () => {
  const { server, acme, call, entries } = await world();
  const admin = acme.admin.auth;
  const bob = acme.users.bob;

  const badLogin = await call("POST", "/api/auth/login", {}, {
    workspace: "acme",
    email: "bob@acme.test",
    password: "wrong password",
  });
  const unknownLogin = await call("POST", "/api/auth/login", {}, {
    workspace: "acme",
    email: "nobody@acme.test",
    password: "wrong password",
  });
  const login = await call("POST", "/api/auth/login", {}, {
    workspace: "acme",
    email: "bob@acme.test",
    password: bob.password,
  });
  const bobSession = { authorization: `Bearer ${login.json().token}` };
  const carol = (await call("POST", "/api/admin/users", admin, {
    name: "Carol",
    email: "carol@acme.test",
    role: "member",
    password: "carols password",
  })).json();
  await call("PATCH", `/api/admin/users/${carol.id}`, admin, { name: "Caroline" });
  await call("PATCH", `/api/admin/users/${carol.id}`, admin, { role: "guest" });
  await call("PATCH", `/api/admin/users/${carol.id}`, admin, { is_active: false });
  await call("PUT", "/api/chat/settings", admin, { edit_window_minutes: 5 });
  const group = (await call("POST", "/api/chat/conversations", bobSession, { title: "Team", participant_ids: [] }))
    .json();
  await call("PATCH", `/api/chat/conversations/${group.id}`, bobSession, { title: "Team A" });
  await call("POST", `/api/chat/conversations/${group.id}/participants`, bobSession, {
    user_ids: [acme.admin.user.id],
  });
  const message = (await call("POST", `/api/chat/conversations/${group.id}/messages`, bobSession, {
    content: "first draft",
  })).json();
  await call("PATCH", `/api/chat/messages/${message.id}`, bobSession, { content: "second draft" });
  const deleted = await call("DELETE", `/api/chat/messages/${message.id}`, admin);
  await call("DELETE", `/api/chat/conversations/${group.id}/participants/${acme.admin.user.id}`, bobSession);
  const logout = await call("POST", "/api/auth/logout", bobSession);
  const log = await entries("?limit=200");

  assert.deepEqual([badLogin.status, unknownLogin.status, login.status], [401, 401, 200]);
  assert.deepEqual([deleted.status, logout.status], [200, 200]);
  const actions = log.map((e) => e.action);
  for (
    const action of [
      "login",
      "login.failed",
      "logout",
      "user.created",
      "user.updated",
      "user.role_changed",
      "user.deactivated",
      "settings.updated",
      "conversation.created",
      "conversation.updated",
      "participant.added",
      "participant.removed",
      "message.edited",
      "message.deleted",
    ]
  ) assert.ok(actions.includes(action), `${action} is audited (got ${actions.join(", ")})`);
  const byAction = (action: string) => log.filter((e) => e.action === action);
  // the deletion is the admin's, of bob's message: who did it is on record
  const deletion = byAction("message.deleted")[0];
  assert.deepEqual(
    [deletion.actor_id, deletion.actor_name, deletion.target_id, deletion.details.sender_id],
    [acme.admin.user.id, "Admin acme", message.id, bob.user.id],
  );
  assert.equal(byAction("logout")[0].actor_id, bob.user.id);
  assert.equal(byAction("logout")[0].ip, "127.0.0.1");
  const failed = byAction("login.failed");
  assert.deepEqual(failed.map((e) => e.target_id ?? e.details.email).sort(), [bob.user.id, "nobody@acme.test"].sort());
  assert.deepEqual(byAction("user.role_changed")[0].details.role, { from: "member", to: "guest" });
  assert.deepEqual(byAction("user.deactivated")[0].details.isActive, { from: true, to: false });
  // newest first: the logout came last
  assert.equal(log[0].action, "logout");
  const times = log.map((e) => Date.parse(e.at));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.deepEqual(Object.keys(log[0]).sort(), [
    "action",
    "actor_id",
    "actor_name",
    "at",
    "details",
    "id",
    "ip",
    "target_id",
    "target_type",
  ]);
  await server.close();
});

Deno.test("audit filters and before_id pages walk the whole log exactly once", async () => {
  const { server, acme, entries, call } = await world();
  const scope = { tenantId: acme.tenant.id as TenantId, db: server.deps.database.db };
  const base = Date.parse("2024-03-10T12:00:00Z");
  for (let i = 0; i < 30; i++) {
    const actorId = i % 3 === 0 ? acme.users.bob.user.id : acme.admin.user.id;
    await server.deps.database.db.transaction((tx) =>
      audit(tx, scope, { actorId, action: i % 2 ? "test.odd" : "test.even", data: { i } })
    );
  }
  // the fixture writes entries now; place them on known days for the date filter
  await server.deps.database.client.execute({
    sql: "UPDATE audit_log SET created_at = ? + CAST(json_extract(data, '$.i') AS INTEGER) * 3600000 " +
      "WHERE tenant_id = ? AND action LIKE 'test.%'",
    args: [base, acme.tenant.id],
  });

  const pages: Entry[][] = [];
  let before = "";
  do {
    pages.push(await entries(`?action=test.odd&limit=4${before ? `&before_id=${before}` : ""}`));
    before = pages.at(-1)!.at(-1)?.id ?? "";
  } while (pages.at(-1)!.length === 4);
  const walked = pages.flat();
  const byBob = await entries(`?actor_id=${acme.users.bob.user.id}&action=test.even`);
  const day = await entries("?from=2024-03-11&to=2024-03-11&limit=200");
  const window = await entries("?from=2024-03-10T20:00:00Z&to=2024-03-10T23:00:00%2B00:00");

  assert.equal(walked.length, 15);
  assert.equal(new Set(walked.map((e) => e.id)).size, 15);
  assert.deepEqual(walked.map((e) => e.details.i), [29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1]);
  assert.deepEqual(byBob.map((e) => e.details.i), [24, 18, 12, 6, 0]);
  // a whole UTC day when `to` is a date: hours 12..35 after noon on the 10th fall on the 11th
  assert.deepEqual(day.map((e) => e.details.i), [
    29,
    28,
    27,
    26,
    25,
    24,
    23,
    22,
    21,
    20,
    19,
    18,
    17,
    16,
    15,
    14,
    13,
    12,
  ]);
  assert.deepEqual(window.map((e) => e.details.i), [10, 9, 8]);
  const missing = await call("GET", `/api/admin/audit/?before_id=${crypto.randomUUID()}`, acme.admin.auth);
  assert.equal(missing.status, 404);
  await server.close();
});

Deno.test("CSV and JSON lines downloads stream the whole filtered log and are audited", async () => {
  const { server, acme, call } = await world();
  const scope = { tenantId: acme.tenant.id as TenantId, db: server.deps.database.db };
  // more entries than one read of the download holds, so it continues page after page
  await server.deps.database.db.transaction(async (tx) => {
    for (let i = 0; i < 1_234; i++) {
      await audit(tx, scope, { actorId: acme.users.bob.user.id, action: "test.bulk", data: { i } });
    }
  });
  // a name a spreadsheet would run as a formula, and a detail with commas, quotes and a line break
  await call("PATCH", "/api/me", acme.users.bob.auth, { name: '=HYPERLINK("x")' });
  await server.deps.database.db.transaction((tx) =>
    audit(tx, scope, { actorId: acme.users.bob.user.id, action: "test.bulk", data: { note: 'a, "b"\nc' } })
  );

  const jsonl = await call("GET", "/api/admin/audit/?format=jsonl&action=test.bulk&limit=1", acme.admin.auth);
  const csv = await call("GET", "/api/admin/audit/?format=csv&action=test.bulk", acme.admin.auth);
  const log = await (await fetch(`${server.url}/api/admin/audit/?action=export`, { headers: acme.admin.auth })).json();

  assert.equal(jsonl.status, 200);
  assert.match(jsonl.headers.get("content-type")!, /^application\/jsonl/);
  assert.match(jsonl.headers.get("content-disposition")!, /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.jsonl"$/);
  const lines = jsonl.text.trimEnd().split("\n").map((l) => JSON.parse(l) as Entry);
  assert.equal(lines.length, 1_235, "limit does not cut a download");
  assert.deepEqual(lines[0].details, { note: 'a, "b"\nc' });
  assert.equal(new Set(lines.map((l) => l.id)).size, 1_235);
  assert.deepEqual(lines.slice(1, 4).map((l) => l.details.i), [1_233, 1_232, 1_231]);

  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type")!, /^text\/csv/);
  assert.equal(csv.headers.get("cache-control"), "no-store, no-transform");
  const [header, first] = csv.text.split("\r\n");
  assert.equal(header, "id,at,actor_id,actor_name,action,target_type,target_id,ip,details");
  assert.ok(first.includes(`"'=HYPERLINK(""x"")"`), first);
  assert.ok(csv.text.includes('"{""note"":""a, \\""b\\""\\nc""}"'), "JSON details quoted as one cell");
  assert.equal(csv.text.trimEnd().split("\r\n").length, 1 + 1_235);

  assert.deepEqual(log.map((e: Entry) => e.details.format).sort(), ["csv", "jsonl"]);
  assert.ok(log.every((e: Entry) => e.actor_id === acme.admin.user.id && e.target_type === "audit_log"));
  await server.close();
});

Deno.test("attack: members, guests and other workspaces' admins read nothing of acme's audit log", async () => {
  const { server, acme, globex, call, entries } = await world();
  await call("PATCH", `/api/admin/users/${acme.users.bob.user.id}`, acme.admin.auth, { name: "Robert" });
  const acmeLog = await entries("?limit=200");
  assert.ok(acmeLog.length > 0, "acme has entries to protect");

  for (const who of [acme.users.bob, acme.users.dan]) {
    for (const format of ["json", "csv", "jsonl"]) {
      const res = await call("GET", `/api/admin/audit/?format=${format}`, who.auth);
      assert.equal(res.status, 403, `${who.user.username} ${format}`);
    }
  }
  const unauthenticated = await call("GET", "/api/admin/audit/", {});
  const globexLog = await entries("?limit=200", globex.admin.auth);
  const globexDownload = await call("GET", "/api/admin/audit/?format=jsonl", globex.admin.auth);
  const byAcmeActor = await entries(`?actor_id=${acme.admin.user.id}`, globex.admin.auth);
  const acmeCursor = await call("GET", `/api/admin/audit/?before_id=${acmeLog[0].id}`, globex.admin.auth);
  // append-only: no method changes an entry
  const changes = await Promise.all(
    ["DELETE", "PATCH", "PUT", "POST"].map((m) =>
      call(m, `/api/admin/audit/${m === "POST" ? "" : acmeLog[0].id}`, acme.admin.auth, m === "DELETE" ? undefined : {})
    ),
  );

  assert.equal(unauthenticated.status, 401);
  const acmeIds = new Set(acmeLog.map((e) => e.id));
  assert.ok(globexLog.length > 0);
  assert.ok(globexLog.every((e) => !acmeIds.has(e.id)));
  const downloaded = globexDownload.text.trimEnd().split("\n").map((l) => JSON.parse(l) as Entry);
  assert.ok(downloaded.every((e) => !acmeIds.has(e.id)));
  assert.deepEqual(byAcmeActor, []);
  assert.equal(acmeCursor.status, 404);
  for (const res of changes) assert.ok([404, 405].includes(res.status), `${res.status}`);
  assert.deepEqual((await entries("?limit=200")).slice(-acmeLog.length), acmeLog);
  await server.close();
});

Deno.test("bad audit queries are 400s naming the field", async () => {
  const { server, acme, call } = await world();

  for (
    const [query, field] of [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=ten", "limit"],
      ["actor_id=42", "actor_id"],
      ["before_id=x", "before_id"],
      ["from=yesterday", "from"],
      ["to=2024-13-40", "to"],
      ["format=xml", "format"],
      ["action=", "action"],
    ]
  ) {
    const res = await call("GET", `/api/admin/audit/?${query}`, acme.admin.auth);
    assert.equal(res.status, 400, query);
    assert.equal(res.json().error.details[0].path, field, query);
  }
  await server.close();
});

Deno.test("a download reads the log as the client takes it, not all at once up front", async () => {
  const { server, acme } = await world();
  // 20,000 entries of about 1 KB: far more than the socket buffers between server and client hold
  await server.deps.database.client.execute({
    sql: `INSERT INTO audit_log (id, tenant_id, actor_id, action, data, created_at)
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
      SELECT printf('00000000-0000-7000-8000-%012d', i), ?, NULL, 'test.bulk',
        json_object('i', i, 'pad', hex(zeroblob(500))), ? + i FROM n`,
    args: [acme.tenant.id, Date.now() - 60_000],
  });

  const res = await fetch(`${server.url}/api/admin/audit/?format=jsonl&action=test.bulk`, {
    headers: { ...acme.admin.auth, "accept-encoding": "identity" },
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let received = (await reader.read()).value ?? "";
  // entries the server has not read yet no longer match the filter once it gets to them
  await server.deps.database.client.execute({
    sql: "UPDATE audit_log SET action = 'test.moved' WHERE tenant_id = ? AND action = 'test.bulk'",
    args: [acme.tenant.id],
  });
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value;

  const lines = received.trimEnd().split("\n");
  assert.equal(res.status, 200);
  assert.ok(lines.length >= 500, `the first page went out (${lines.length})`);
  assert.ok(lines.length < 20_000, `later pages were read after the first bytes left (${lines.length})`);
  assert.equal(JSON.parse(lines.at(-1)!).action, "test.bulk");
  await server.close();
});
