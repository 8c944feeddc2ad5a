import assert from "node:assert/strict";
import { chatWorld, makeGroup, say } from "./world.ts";

Deno.test("a message object has exactly the SPEC's fields", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);

  const res = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: "Hello!" });

  assert.equal(res.status, 201);
  assert.deepEqual(Object.keys(res.body).sort(), [
    "attachments",
    "content",
    "conversation",
    "created_at",
    "custom_fields",
    "edited_at",
    "entities",
    "has_attachments",
    "id",
    "is_deleted",
    "kind",
    "mentions",
    "mentions_all",
    "parent_id",
    "reactions",
    "sender_email",
    "sender_id",
    "sender_name",
    "status",
    "updated_at",
  ]);
  assert.equal(res.body.conversation, id);
  assert.equal(res.body.sender_name, "Bob");
  assert.equal(res.body.sender_email, "bob@acme.test");
  assert.equal(res.body.kind, "text");
  assert.equal(res.body.status, "sent");
  await w.close();
});

Deno.test("content must be at most 5000 characters and a message needs content or a file", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);

  const longest = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: "x".repeat(5000) });
  const tooLong = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: "x".repeat(5001) });
  const blank = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: "   " });
  const nothing = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, {});
  const wrongType = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: 42 });
  const list = await w.call(w.bob, "GET", `/conversations/${id}/messages/`);

  assert.equal(longest.status, 201);
  assert.deepEqual([tooLong.status, blank.status, nothing.status, wrongType.status], [400, 400, 400, 400]);
  assert.equal(list.body.length, 1);
  await w.close();
});

Deno.test("a retried send with the same client_id returns the same message and stores one", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const body = { content: "only once", client_id: "c-123" };

  const results = await Promise.all([
    w.call(w.bob, "POST", `/conversations/${id}/messages/`, body),
    w.call(w.bob, "POST", `/conversations/${id}/messages/`, body),
  ]);
  const later = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, body);
  const carolSameKey = await w.call(w.carol, "POST", `/conversations/${id}/messages/`, body);
  const list = await w.call(w.bob, "GET", `/conversations/${id}/messages/`);

  assert.deepEqual(results.map((r) => r.status), [201, 201]);
  assert.equal(results[0].body.id, results[1].body.id);
  assert.equal(later.body.id, results[0].body.id);
  assert.notEqual(carolSameKey.body.id, results[0].body.id);
  assert.equal(list.body.length, 2);
  const events = await w.deps.database.client.execute(
    "SELECT count(*) AS n FROM events WHERE type = 'message_created'",
  );
  assert.equal(Number(events.rows[0].n), 2);
  await w.close();
});

Deno.test("replies name a parent in the same conversation; a parent elsewhere is a 400", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const elsewhere = await makeGroup(w, w.bob, [w.erin], "Other");
  const parent = await say(w, w.bob, id, "question?");
  const foreignParent = await say(w, w.bob, elsewhere, "not here");

  const reply = await w.call(w.carol, "POST", `/conversations/${id}/messages/`, {
    content: "answer",
    parent_id: parent,
  });
  const bad = await w.call(w.carol, "POST", `/conversations/${id}/messages/`, {
    content: "x",
    parent_id: foreignParent,
  });

  assert.equal(reply.status, 201);
  assert.equal(reply.body.parent_id, parent);
  assert.equal(bad.status, 400);
  await w.close();
});

Deno.test("the author edits within the edit window; history keeps the former text; others get 403", async () => {
  const w = await chatWorld();
  let now = Date.now();
  w.deps.now = () => now;
  const id = await makeGroup(w, w.bob, [w.carol]);
  const messageId = await say(w, w.bob, id, "first draft");

  const edited = await w.call(w.bob, "PATCH", `/messages/${messageId}/`, { content: "second draft" });
  const byCarol = await w.call(w.carol, "PATCH", `/messages/${messageId}/`, { content: "hijack" });
  const byAdminNotMember = await w.call(w.admin, "PATCH", `/messages/${messageId}/`, { content: "x" });
  now += 16 * 60_000;
  const late = await w.call(w.bob, "PATCH", `/messages/${messageId}/`, { content: "too late" });
  const history = await w.deps.database.client.execute({
    sql: "SELECT content FROM message_edits WHERE message_id = ?",
    args: [messageId],
  });

  assert.equal(edited.status, 200);
  assert.equal(edited.body.content, "second draft");
  assert.ok(edited.body.edited_at);
  assert.equal(byCarol.status, 403);
  assert.equal(byAdminNotMember.status, 404);
  assert.equal(late.status, 403);
  assert.deepEqual(history.rows.map((r) => r.content), ["first draft"]);
  await w.close();
});

Deno.test("the tenant's edit window comes from chat settings, which only admins may change", async () => {
  const w = await chatWorld();
  let now = Date.now();
  w.deps.now = () => now;
  const id = await makeGroup(w, w.bob, [w.carol]);
  const messageId = await say(w, w.bob, id, "hello");

  const read = await w.call(w.bob, "GET", "/settings");
  const memberPut = await w.call(w.bob, "PUT", "/settings", { edit_window_minutes: 60 });
  const badPut = await w.call(w.admin, "PUT", "/settings", { edit_window_minutes: -1 });
  const put = await w.call(w.admin, "PUT", "/settings/", { edit_window_minutes: 60, messages_per_min: 10 });
  now += 30 * 60_000;
  const edit = await w.call(w.bob, "PATCH", `/messages/${messageId}/`, { content: "still allowed" });
  const outsider = await w.call(w.outsider, "GET", "/settings");

  const limits = {
    edits_per_min: 30,
    reactions_per_min: 120,
    typing_per_min: 30,
    participant_adds_per_min: 30,
    streams_per_user: 20,
  };
  assert.deepEqual(read.body, { edit_window_minutes: 15, messages_per_min: 60, conversations_per_min: 20, ...limits });
  assert.equal(memberPut.status, 403);
  assert.equal(badPut.status, 400);
  assert.deepEqual(put.body, { edit_window_minutes: 60, messages_per_min: 10, conversations_per_min: 20, ...limits });
  assert.equal(edit.status, 200);
  assert.equal(outsider.body.edit_window_minutes, 15);
  await w.close();
});

Deno.test("delete leaves a tombstone: the old text is gone from rows, history and events", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const messageId = await say(w, w.bob, id, "secret plan");
  await w.call(w.bob, "PATCH", `/messages/${messageId}/`, { content: "secret plan v2" });
  await w.call(w.carol, "POST", `/messages/${messageId}/reactions/`, { emoji: "👍" });

  const byCarol = await w.call(w.carol, "DELETE", `/messages/${messageId}/`);
  const deleted = await w.call(w.bob, "DELETE", `/messages/${messageId}/`);
  const twice = await w.call(w.bob, "DELETE", `/messages/${messageId}/`);
  const list = await w.call(w.carol, "GET", `/conversations/${id}/messages/`);
  const editAfter = await w.call(w.bob, "PATCH", `/messages/${messageId}/`, { content: "back" });
  const conversations = await w.call(w.carol, "GET", "/conversations/");

  assert.equal(byCarol.status, 403);
  assert.equal(deleted.status, 200);
  assert.equal(deleted.body.content, "[Message deleted]");
  assert.equal(deleted.body.is_deleted, true);
  assert.deepEqual(deleted.body.reactions, []);
  assert.equal(twice.status, 200);
  assert.equal(list.body[0].content, "[Message deleted]");
  assert.equal(editAfter.status, 409);
  assert.equal(conversations.body[0].last_message.content, "[Message deleted]");
  const row = await w.deps.database.client.execute({
    sql: "SELECT content, deleted_by, deleted_at FROM messages WHERE id = ?",
    args: [messageId],
  });
  assert.equal(row.rows[0].content, "");
  assert.equal(row.rows[0].deleted_by, w.bob.user.id);
  assert.ok(row.rows[0].deleted_at);
  const dump = await w.deps.database.client.execute(
    "SELECT data AS text FROM events UNION ALL SELECT content FROM message_edits UNION ALL SELECT data FROM audit_log",
  );
  assert.ok(dump.rows.length > 3);
  assert.ok(dump.rows.every((r) => !String(r.text).includes("secret plan")));
  const deletions = await w.deps.database.client.execute(
    "SELECT count(*) AS n FROM events WHERE type = 'message_deleted'",
  );
  assert.equal(Number(deletions.rows[0].n), 1);
  await w.close();
});

Deno.test("a tenant admin in the conversation may delete anyone's message", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol, w.admin]);
  const messageId = await say(w, w.carol, id, "spam");

  const res = await w.call(w.admin, "DELETE", `/messages/${messageId}/`);

  assert.equal(res.status, 200);
  assert.equal(res.body.is_deleted, true);
  const audit = await w.deps.database.client.execute("SELECT actor_id FROM audit_log WHERE action = 'message.deleted'");
  assert.deepEqual(audit.rows.map((r) => r.actor_id), [w.admin.user.id]);
  await w.close();
});

Deno.test("reactions are added once per user and emoji, counted with user ids, and removed", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const messageId = await say(w, w.bob, id, "ship it?");

  const first = await w.call(w.bob, "POST", `/messages/${messageId}/reactions/`, { emoji: "👍" });
  const again = await w.call(w.bob, "POST", `/messages/${messageId}/reactions/`, { emoji: "👍" });
  const carol = await w.call(w.carol, "POST", `/messages/${messageId}/reactions/`, { emoji: "👍" });
  const party = await w.call(w.carol, "POST", `/messages/${messageId}/reactions/`, { emoji: ":tada:" });
  const bad = await w.call(w.carol, "POST", `/messages/${messageId}/reactions/`, { emoji: "<script>" });
  const removed = await w.call(w.bob, "DELETE", `/messages/${messageId}/reactions/`, { emoji: "👍" });
  const removedAgain = await w.call(w.bob, "DELETE", `/messages/${messageId}/reactions/?emoji=%F0%9F%91%8D`);

  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.deepEqual(carol.body.reactions, [{ emoji: "👍", count: 2, user_ids: [w.bob.user.id, w.carol.user.id] }]);
  assert.equal(party.body.reactions.length, 2);
  assert.equal(bad.status, 400);
  assert.equal(removed.status, 200);
  assert.deepEqual(removed.body.reactions, [
    { emoji: "👍", count: 1, user_ids: [w.carol.user.id] },
    { emoji: ":tada:", count: 1, user_ids: [w.carol.user.id] },
  ]);
  assert.equal(removedAgain.status, 200);
  const events = await w.deps.database.client.execute("SELECT count(*) AS n FROM events WHERE type = 'reaction'");
  assert.equal(Number(events.rows[0].n), 4);
  await w.close();
});

Deno.test("sending is rate limited per user; a tenant may lower the limit", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  await w.call(w.admin, "PUT", "/settings", { messages_per_min: 3 });

  const statuses = [];
  for (let i = 0; i < 4; i++) {
    statuses.push((await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: `m${i}` })).status);
  }
  const limited = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, { content: "more" });
  const carol = await w.call(w.carol, "POST", `/conversations/${id}/messages/`, { content: "mine" });

  assert.deepEqual(statuses, [201, 201, 201, 429]);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.equal(limited.body.error.code, "rate_limited");
  assert.equal(carol.status, 201);
  await w.close();
});
