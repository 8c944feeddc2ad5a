import assert from "node:assert/strict";
import { chatWorld, makeGroup } from "./world.ts";

Deno.test("POST conversations/start/ creates a direct chat once and returns it afterwards", async () => {
  const w = await chatWorld();

  const first = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.carol.user.id });
  const again = await w.call(w.bob, "POST", "/conversations/start", { participant_id: w.carol.user.id });
  const fromCarol = await w.call(w.carol, "POST", "/conversations/start/", { participant_id: w.bob.user.id });

  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(fromCarol.status, 200);
  assert.equal(again.body.id, first.body.id);
  assert.equal(fromCarol.body.id, first.body.id);
  assert.equal(first.body.kind, "direct");
  assert.equal(first.body.is_group, false);
  assert.equal(first.body.title, "Carol");
  assert.equal(fromCarol.body.title, "Bob");
  assert.deepEqual(first.body.participants.map((p: { name: string }) => p.name).sort(), ["Bob", "Carol"]);
  await w.close();
});

Deno.test("two start/ calls for the same pair racing end with one conversation", async () => {
  const w = await chatWorld();

  const results = await Promise.all([
    w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.carol.user.id }),
    w.call(w.carol, "POST", "/conversations/start/", { participant_id: w.bob.user.id }),
    w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.carol.user.id }),
  ]);

  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201]);
  assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
  const rows = await w.deps.database.client.execute("SELECT count(*) AS n FROM conversations WHERE kind = 'direct'");
  assert.equal(Number(rows.rows[0].n), 1);
  await w.close();
});

Deno.test("start/ refuses self (400), malformed ids (400), unknown people and other tenants (404)", async () => {
  const w = await chatWorld();

  const self = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.bob.user.id });
  const malformed = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: "nope" });
  const missing = await w.call(w.bob, "POST", "/conversations/start/", {});
  const unknown = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: crypto.randomUUID() });
  const foreign = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.zed.user.id });

  assert.equal(self.status, 400);
  assert.equal(malformed.status, 400);
  assert.equal(missing.status, 400);
  assert.equal(unknown.status, 404);
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.error.code, "not_found");
  await w.close();
});

Deno.test("a guest can start a chat only with people they share a conversation with", async () => {
  const w = await chatWorld();
  const before = await w.call(w.dan, "POST", "/conversations/start/", { participant_id: w.carol.user.id });
  const peopleBefore = await w.call(w.dan, "GET", "/conversations/presence/");

  await makeGroup(w, w.bob, [w.dan]);
  const stranger = await w.call(w.dan, "POST", "/conversations/start/", { participant_id: w.carol.user.id });
  const shared = await w.call(w.dan, "POST", "/conversations/start/", { participant_id: w.bob.user.id });
  const peopleAfter = await w.call(w.dan, "GET", "/conversations/presence/");

  assert.equal(before.status, 404);
  assert.deepEqual(peopleBefore.body, []);
  assert.equal(stranger.status, 404);
  assert.equal(shared.status, 201);
  assert.deepEqual(peopleAfter.body.map((p: { name: string }) => p.name), ["Bob"]);
  await w.close();
});

Deno.test("presence lists the tenant's people with is_online and last_seen, never another tenant's", async () => {
  const w = await chatWorld();

  const res = await w.call(w.bob, "GET", "/conversations/presence/");

  assert.equal(res.status, 200);
  const names = res.body.map((p: { name: string }) => p.name).sort();
  assert.deepEqual(names, ["Admin acme", "Carol", "Dan", "Erin"]);
  assert.deepEqual(Object.keys(res.body[0]).sort(), [
    "email",
    "id",
    "is_bot",
    "is_online",
    "last_seen",
    "name",
    "username",
  ]);
  await w.close();
});

Deno.test("groups: the owner renames and manages members, plain members get 403, system messages record it", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol], "Launch");

  const renamed = await w.call(w.bob, "PATCH", `/conversations/${id}/`, { title: "Launch v2", topic: "ship it" });
  const byMember = await w.call(w.carol, "PATCH", `/conversations/${id}/`, { title: "Mine" });
  const addByMember = await w.call(w.carol, "POST", `/conversations/${id}/participants/`, {
    user_ids: [w.erin.user.id],
  });
  const added = await w.call(w.bob, "POST", `/conversations/${id}/participants/`, { user_ids: [w.erin.user.id] });
  const addForeign = await w.call(w.bob, "POST", `/conversations/${id}/participants/`, { user_ids: [w.zed.user.id] });
  const removed = await w.call(w.bob, "DELETE", `/conversations/${id}/participants/${w.erin.user.id}/`);
  const erinView = await w.call(w.erin, "GET", `/conversations/${id}/`);
  const messages = await w.call(w.bob, "GET", `/conversations/${id}/messages/`);

  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.title, "Launch v2");
  assert.equal(renamed.body.topic, "ship it");
  assert.equal(byMember.status, 403);
  assert.equal(addByMember.status, 403);
  assert.equal(added.status, 200);
  assert.equal(added.body.participants.length, 3);
  assert.equal(addForeign.status, 404);
  assert.equal(removed.status, 200);
  assert.equal(erinView.status, 404);
  const system = messages.body.filter((m: { kind: string }) => m.kind === "system");
  assert.deepEqual(system.map((m: { content: string }) => m.content), [
    'The conversation was renamed to "Launch v2"',
    "Erin was added",
    "Erin was removed",
  ]);
  assert.ok(system.every((m: { sender_id: string | null }) => m.sender_id === null));
  await w.close();
});

Deno.test("when the last owner leaves, the longest-standing member becomes owner", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol, w.erin]);

  const left = await w.call(w.bob, "POST", `/conversations/${id}/leave/`);
  const carolRenames = await w.call(w.carol, "PATCH", `/conversations/${id}/`, { title: "Carol's now" });
  const erinRenames = await w.call(w.erin, "PATCH", `/conversations/${id}/`, { title: "Erin's" });
  const bobView = await w.call(w.bob, "GET", `/conversations/${id}/`);

  assert.equal(left.status, 200);
  assert.deepEqual(left.body, { status: "left" });
  assert.equal(carolRenames.status, 200);
  assert.equal(erinRenames.status, 403);
  assert.equal(bobView.status, 404);
  await w.close();
});

Deno.test("channels: members find, join and leave them; guests cannot see or join them", async () => {
  const w = await chatWorld();
  const created = await w.call(w.bob, "POST", "/conversations/", { kind: "channel", title: "general" });
  const id = created.body.id;

  const joinable = await w.call(w.erin, "GET", "/conversations/?joinable=true");
  const peek = await w.call(w.erin, "GET", `/conversations/${id}/`);
  const readBeforeJoin = await w.call(w.erin, "GET", `/conversations/${id}/messages/`);
  const joined = await w.call(w.erin, "POST", `/conversations/${id}/join/`);
  const readAfterJoin = await w.call(w.erin, "GET", `/conversations/${id}/messages/`);
  const guestPeek = await w.call(w.dan, "GET", `/conversations/${id}/`);
  const guestJoin = await w.call(w.dan, "POST", `/conversations/${id}/join/`);
  const guestList = await w.call(w.dan, "GET", "/conversations/?joinable=true");
  const left = await w.call(w.erin, "POST", `/conversations/${id}/leave/`);

  assert.equal(created.status, 201);
  assert.equal(created.body.kind, "channel");
  assert.deepEqual(joinable.body.map((c: { id: string }) => c.id), [id]);
  assert.equal(peek.status, 200);
  assert.equal(readBeforeJoin.status, 404);
  assert.equal(joined.status, 200);
  assert.ok(joined.body.participants.some((p: { id: string }) => p.id === w.erin.user.id));
  assert.equal(readAfterJoin.status, 200);
  assert.equal(readAfterJoin.body.at(-1).content, "Erin joined");
  assert.equal(guestPeek.status, 404);
  assert.equal(guestJoin.status, 404);
  assert.deepEqual(guestList.body, []);
  assert.equal(left.status, 200);
  await w.close();
});

Deno.test("the list is newest activity first, with unread counts, and archive/mute are per user", async () => {
  const w = await chatWorld();
  const older = await makeGroup(w, w.bob, [w.carol], "Older");
  const newer = await makeGroup(w, w.bob, [w.carol], "Newer");
  await w.call(w.bob, "POST", `/conversations/${older}/messages/`, { content: "bump" });

  const list = await w.call(w.carol, "GET", "/conversations/");
  const archived = await w.call(w.carol, "PATCH", `/conversations/${older}/archive/`);
  const muted = await w.call(w.carol, "PATCH", `/conversations/${newer}/mute/`);
  const afterArchive = await w.call(w.carol, "GET", "/conversations/");
  const archiveList = await w.call(w.carol, "GET", "/conversations/?archived=true");
  const bobList = await w.call(w.bob, "GET", "/conversations/");
  const unarchived = await w.call(w.carol, "PATCH", `/conversations/${older}/unarchive/`);
  const unmuted = await w.call(w.carol, "PATCH", `/conversations/${newer}/unmute/`);

  assert.deepEqual(list.body.map((c: { title: string }) => c.title), ["Older", "Newer"]);
  assert.equal(list.body[0].unread_count, 1);
  assert.equal(list.body[0].last_message.content, "bump");
  assert.equal(list.body[1].last_message, null);
  assert.deepEqual([archived.body, muted.body], [{ status: "archived" }, { status: "muted" }]);
  assert.deepEqual(afterArchive.body.map((c: { title: string }) => c.title), ["Newer"]);
  assert.equal(afterArchive.body[0].is_muted, true);
  assert.deepEqual(archiveList.body.map((c: { title: string; is_archived: boolean }) => [c.title, c.is_archived]), [
    ["Older", true],
  ]);
  assert.equal(bobList.body.length, 2);
  assert.ok(bobList.body.every((c: { is_archived: boolean; is_muted: boolean }) => !c.is_archived && !c.is_muted));
  assert.deepEqual([unarchived.body, unmuted.body], [{ status: "unarchived" }, { status: "unmuted" }]);
  await w.close();
});

Deno.test("the conversation object has exactly the SPEC's fields", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);

  const res = await w.call(w.bob, "GET", `/conversations/${id}`);

  assert.deepEqual(Object.keys(res.body).sort(), [
    "context_id",
    "context_type",
    "created_at",
    "custom_fields",
    "id",
    "is_archived",
    "is_group",
    "is_muted",
    "kind",
    "last_message",
    "participants",
    "title",
    "topic",
    "unread_count",
    "unread_mentions",
    "updated_at",
  ]);
  assert.deepEqual(Object.keys(res.body.participants[0]).sort(), [
    "email",
    "id",
    "is_bot",
    "is_online",
    "name",
    "username",
  ]);
  await w.close();
});

Deno.test("bad creation input is a 400 and guests cannot create groups", async () => {
  const w = await chatWorld();

  const noTitle = await w.call(w.bob, "POST", "/conversations/", { kind: "group", title: "  " });
  const badKind = await w.call(w.bob, "POST", "/conversations/", { kind: "direct", title: "x" });
  const notJson = await w.app.request("/api/chat/conversations/", {
    method: "POST",
    headers: { ...w.bob.auth, "content-type": "application/json" },
    body: "{oops",
  });
  const guest = await w.call(w.dan, "POST", "/conversations/", { kind: "group", title: "x" });
  const unknownMember = await w.call(w.bob, "POST", "/conversations/", {
    kind: "group",
    title: "x",
    participant_ids: [w.zed.user.id],
  });

  assert.equal(noTitle.status, 400);
  assert.equal(badKind.status, 400);
  assert.equal(notJson.status, 400);
  assert.equal(guest.status, 403);
  assert.equal(unknownMember.status, 404);
  const rows = await w.deps.database.client.execute("SELECT count(*) AS n FROM conversations");
  assert.equal(Number(rows.rows[0].n), 0);
  await w.close();
});

Deno.test("creating conversations is rate limited per user with 429 and Retry-After", async () => {
  const w = await chatWorld({ RATE_LIMIT_CONVERSATIONS_PER_MIN: "3" });

  const statuses = [];
  for (let i = 0; i < 4; i++) {
    statuses.push((await w.call(w.bob, "POST", "/conversations/", { kind: "group", title: `g${i}` })).status);
  }
  const limited = await w.call(w.bob, "POST", "/conversations/", { kind: "group", title: "again" });
  const carol = await w.call(w.carol, "POST", "/conversations/", { kind: "group", title: "hers" });

  assert.deepEqual(statuses, [201, 201, 201, 429]);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal(carol.status, 201);
  await w.close();
});
