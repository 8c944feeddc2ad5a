import assert from "node:assert/strict";
import { type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { SseReader } from "../realtime/sse_reader.ts";

/** A real server with acme (admin, bob, carol, dan) and a group of all four with a message by bob. */
async function limited(env: Record<string, string> = {}) {
  const server = await startServer({}, env);
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member", dan: "member" });
  const { bob, carol, dan } = acme.users;
  const call = async (who: SeededUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...who.auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const group = async (owner: SeededUser, members: SeededUser[]) => {
    const res = await call(owner, "POST", "/api/chat/conversations/", {
      kind: "group",
      title: "Team",
      participant_ids: members.map((m) => m.user.id),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const team = await group(acme.admin, [bob, carol, dan]);
  const sent = await call(bob, "POST", `/api/chat/conversations/${team}/messages/`, { content: "v0" });
  assert.equal(sent.status, 201);
  return {
    ...server,
    acme,
    admin: acme.admin,
    bob,
    carol,
    dan,
    call,
    group,
    team,
    messageId: sent.body.id as string,
    /** A message as its conversation's page shows it to `who`. */
    async message(who: SeededUser, id: string, conversationId = team) {
      const page = await call(who, "GET", `/api/chat/conversations/${conversationId}/messages/?limit=100`);
      return page.body.find((m: { id: string }) => m.id === id);
    },
    async count(sql: string, ...args: string[]) {
      const rows = await server.deps.database.client.execute({ sql, args });
      return Number(rows.rows[0][0]);
    },
  };
}

function assertLimited(res: { status: number; headers: Headers; body: { error: { code: string } } }) {
  assert.equal(res.status, 429);
  assert.equal(res.body.error.code, "rate_limited");
  const retry = Number(res.headers.get("retry-after"));
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${res.headers.get("retry-after")}`);
}

Deno.test("over HTTP, the 31st edit in a minute is a 429 with Retry-After and changes nothing", async () => {
  const s = await limited();
  const edit = (content: string) => s.call(s.bob, "PATCH", `/api/chat/messages/${s.messageId}/`, { content });

  const allowed = [];
  for (let i = 1; i <= 30; i++) allowed.push((await edit(`v${i}`)).status);
  const refused = await edit("v31");
  const message = await s.message(s.bob, s.messageId);

  assert.deepEqual(allowed, Array(30).fill(200));
  assertLimited(refused);
  assert.equal(message.content, "v30");
  assert.equal(await s.count("SELECT count(*) FROM message_edits WHERE message_id = ?", s.messageId), 30);
  assert.equal(await s.count("SELECT count(*) FROM events WHERE type = 'message_updated'"), 30);
  // the limit is the editor's: another author edits freely
  const carols = await s.call(s.carol, "POST", `/api/chat/conversations/${s.team}/messages/`, { content: "mine" });
  assert.equal(
    (await s.call(s.carol, "PATCH", `/api/chat/messages/${carols.body.id}/`, { content: "ok" })).status,
    200,
  );
  await s.close();
});

Deno.test("over HTTP, reactions (added and removed alike) stop at 120 a minute and the refused one changes nothing", async () => {
  const s = await limited();
  const url = `/api/chat/messages/${s.messageId}/reactions/`;

  const allowed = [];
  for (let i = 0; i < 60; i++) {
    allowed.push((await s.call(s.carol, "POST", url, { emoji: "👍" })).status);
    allowed.push((await s.call(s.carol, "DELETE", url, { emoji: "👍" })).status);
  }
  const refusedAdd = await s.call(s.carol, "POST", url, { emoji: "🎉" });
  const message = await s.message(s.carol, s.messageId);

  assert.deepEqual(allowed, Array(60).fill([201, 200]).flat());
  assertLimited(refusedAdd);
  assert.deepEqual(message.reactions, []);
  assert.equal(await s.count("SELECT count(*) FROM reactions"), 0);
  assert.equal(await s.count("SELECT count(*) FROM events WHERE type = 'reaction'"), 120);
  // a removal is refused the same way: dan's reaction stays
  for (let i = 0; i < 120; i++) await s.call(s.dan, "POST", url, { emoji: "👍" });
  const refusedRemove = await s.call(s.dan, "DELETE", url, { emoji: "👍" });
  assertLimited(refusedRemove);
  assert.deepEqual((await s.message(s.dan, s.messageId)).reactions, [
    { emoji: "👍", count: 1, user_ids: [s.dan.user.id] },
  ]);
  await s.close();
});

Deno.test("over HTTP, typing (API and page routes together) stops at 30 a minute and a refused signal is not announced", async () => {
  const s = await limited();
  const other = await s.group(s.admin, [s.bob]);
  const watcher = await SseReader.open(`${s.url}/api/chat/events`, s.admin.auth);
  await watcher.count("connected", 1);
  const apiTyping = (id: string) => s.call(s.bob, "POST", `/api/chat/conversations/${id}/typing/`);
  const pageTyping = (id: string) =>
    fetch(`${s.url}/ui/conversations/${id}/typing`, {
      method: "POST",
      headers: { cookie: `parley_session=${s.bob.token}`, "sec-fetch-site": "same-origin", "hx-request": "true" },
    });

  const statuses = [];
  for (let i = 0; i < 15; i++) statuses.push((await apiTyping(s.team)).status);
  for (let i = 0; i < 15; i++) {
    const res = await pageTyping(s.team);
    await res.body?.cancel();
    statuses.push(res.status);
  }
  // a conversation bob has not typed in yet: allowed, this would be announced at once
  const refusedApi = await apiTyping(other);
  const refusedPage = await pageTyping(other);
  await refusedPage.body?.cancel();
  await s.call(s.bob, "POST", `/api/chat/conversations/${other}/messages/`, { content: "sentinel" });
  await watcher.until((m) => m.some((e) => e.event === "message_created" && e.data.includes("sentinel")));

  assert.deepEqual(statuses, [...Array(15).fill(200), ...Array(15).fill(204)]);
  assertLimited(refusedApi);
  assert.equal(refusedPage.status, 429);
  assert.ok(Number(refusedPage.headers.get("retry-after")) >= 1);
  const typed = watcher.of("typing").map((e) => JSON.parse(e.data).conversation_id);
  assert.ok(typed.includes(s.team), "the allowed signals were announced");
  assert.ok(!typed.includes(other), "the refused ones were not");
  // carol's allowance is her own
  assert.equal((await s.call(s.carol, "POST", `/api/chat/conversations/${s.team}/typing/`)).status, 200);
  await watcher.close();
  await s.close();
});

Deno.test("over HTTP, a workspace admin lowers a limit for the workspace but cannot raise it past the server's", async () => {
  const s = await limited({ RATE_LIMIT_EDITS_PER_MIN: "10" });

  const lowered = await s.call(s.admin, "PUT", "/api/chat/settings", { reactions_per_min: 3, typing_per_min: 2 });
  const raised = await s.call(s.admin, "PUT", "/api/chat/settings", { edits_per_min: 1000 });
  const byMember = await s.call(s.bob, "PUT", "/api/chat/settings", { edits_per_min: 1 });
  const invalid = await s.call(s.admin, "PUT", "/api/chat/settings", { participant_adds_per_min: 0 });
  const url = `/api/chat/messages/${s.messageId}/reactions/`;
  const reactions = [];
  for (const emoji of ["👍", "🎉", "👀", "🚀"]) reactions.push(await s.call(s.carol, "POST", url, { emoji }));
  const typing = [];
  for (let i = 0; i < 3; i++) typing.push(await s.call(s.carol, "POST", `/api/chat/conversations/${s.team}/typing/`));
  const edits = [];
  for (let i = 1; i <= 11; i++) {
    edits.push((await s.call(s.bob, "PATCH", `/api/chat/messages/${s.messageId}/`, { content: `e${i}` })).status);
  }

  assert.equal(lowered.status, 200);
  assert.equal(lowered.body.reactions_per_min, 3);
  assert.equal(lowered.body.typing_per_min, 2);
  assert.equal(raised.status, 200);
  assert.equal(raised.body.edits_per_min, 10, "the server's limit stays the ceiling");
  assert.deepEqual(
    Object.keys(raised.body).sort(),
    [
      "conversations_per_min",
      "edit_window_minutes",
      "edits_per_min",
      "messages_per_min",
      "participant_adds_per_min",
      "reactions_per_min",
      "streams_per_user",
      "typing_per_min",
    ],
  );
  assert.equal(raised.body.streams_per_user, 20);
  assert.equal(byMember.status, 403);
  assert.equal(invalid.status, 400);
  assert.deepEqual(reactions.slice(0, 3).map((r) => r.status), [201, 201, 201]);
  assertLimited(reactions[3]);
  assert.equal((await s.message(s.carol, s.messageId)).reactions.length, 3);
  assert.deepEqual(typing.slice(0, 2).map((r) => r.status), [200, 200]);
  assertLimited(typing[2]);
  assert.deepEqual(edits, [...Array(10).fill(200), 429]);
  await s.close();
});
