import assert from "node:assert/strict";
import { chatWorld, makeGroup, say } from "./world.ts";
import type { ChatWorld } from "./world.ts";
import type { SeededUser } from "../helpers.ts";

async function unread(w: ChatWorld, who: SeededUser, id: string) {
  const list = await w.call(who, "GET", "/conversations/");
  return list.body.find((c: { id: string }) => c.id === id).unread_count;
}

async function statuses(w: ChatWorld, who: SeededUser, id: string) {
  const res = await w.call(who, "GET", `/conversations/${id}/messages/`);
  return res.body.filter((m: { kind: string }) => m.kind !== "system").map((m: { status: string }) => m.status);
}

Deno.test("in a 3-person group unread counts and read status follow each member's watermark", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol, w.erin]);
  const m1 = await say(w, w.bob, id, "one");
  await say(w, w.bob, id, "two");
  await say(w, w.erin, id, "three");

  const start = [await unread(w, w.bob, id), await unread(w, w.carol, id), await unread(w, w.erin, id)];
  const carolReadsOne = await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, { up_to_id: m1 });
  const afterPartial = [await unread(w, w.bob, id), await unread(w, w.carol, id), await unread(w, w.erin, id)];
  const bobSeesAfterPartial = await statuses(w, w.bob, id);
  const carolReadsAll = await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, {});
  const bobReadsAll = await w.call(w.bob, "PUT", `/conversations/${id}/read`, {});
  const bobAgain = await w.call(w.bob, "POST", `/conversations/${id}/mark_read/`);
  const bobSeesAtEnd = await statuses(w, w.bob, id);
  const end = [await unread(w, w.bob, id), await unread(w, w.carol, id), await unread(w, w.erin, id)];

  // sending reads everything before one's own message: erin has nothing unread
  assert.deepEqual(start, [1, 3, 0]);
  assert.deepEqual(carolReadsOne.body, { status: "ok", marked_read: 1 });
  assert.deepEqual(afterPartial, [1, 2, 0]);
  // "one" is read by carol and erin; carol has not even fetched "two"
  assert.deepEqual(bobSeesAfterPartial.slice(0, 2), ["read", "sent"]);
  assert.deepEqual(carolReadsAll.body, { status: "ok", marked_read: 2 });
  assert.deepEqual(bobReadsAll.body, { status: "ok", marked_read: 1 });
  assert.deepEqual(bobAgain.body, { status: "ok", marked_read: 0 });
  assert.deepEqual(bobSeesAtEnd, ["read", "read", "read"]);
  assert.deepEqual(end, [0, 0, 0]);
  await w.close();
});

Deno.test("status is delivered once every other member fetched, read once every other member read", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol, w.erin]);
  await say(w, w.bob, id, "hello");

  await w.call(w.carol, "GET", `/conversations/${id}/messages/`);
  const oneFetched = await statuses(w, w.bob, id);
  await w.call(w.erin, "GET", `/conversations/${id}/messages/`);
  const bothFetched = await statuses(w, w.bob, id);
  await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`);
  const oneRead = await statuses(w, w.bob, id);
  await w.call(w.erin, "POST", `/conversations/${id}/mark_read/`);
  const bothRead = await statuses(w, w.bob, id);

  assert.deepEqual([oneFetched, bothFetched, oneRead, bothRead], [["sent"], ["delivered"], ["delivered"], ["read"]]);
  await w.close();
});

Deno.test("mark_read rejects an up_to_id from another conversation and records one read event per move", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const elsewhere = await makeGroup(w, w.bob, [w.erin], "Else");
  await say(w, w.bob, id, "here");
  const foreign = await say(w, w.bob, elsewhere, "there");

  const bad = await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, { up_to_id: foreign });
  const ok = await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, {});
  const noop = await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, {});

  assert.equal(bad.status, 400);
  assert.equal(ok.body.marked_read, 1);
  assert.equal(noop.body.marked_read, 0);
  const events = await w.deps.database.client.execute(
    "SELECT data FROM events WHERE type = 'read'",
  );
  assert.equal(events.rows.length, 1);
  assert.equal(JSON.parse(String(events.rows[0].data)).user_id, w.carol.user.id);
  await w.close();
});

Deno.test("unread counts leave out the reader's own, system and deleted messages", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  await say(w, w.carol, id, "mine");
  await say(w, w.bob, id, "a");
  const doomed = await say(w, w.bob, id, "b");
  await w.call(w.bob, "PATCH", `/conversations/${id}/`, { title: "Renamed" });
  await w.call(w.bob, "DELETE", `/messages/${doomed}/`);

  const count = await unread(w, w.carol, id);

  assert.equal(count, 1);
  await w.close();
});
