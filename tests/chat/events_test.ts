import assert from "node:assert/strict";
import { chatWorld, makeGroup, say } from "./world.ts";
import type { ChatWorld } from "./world.ts";
import type { BusNews } from "../../chat/bus.ts";

async function eventLog(w: ChatWorld) {
  const res = await w.deps.database.client.execute(
    "SELECT id, type, conversation_id, user_id, data FROM events ORDER BY id",
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    type: String(r.type),
    conversationId: r.conversation_id as string | null,
    userId: r.user_id as string | null,
    data: JSON.parse(String(r.data)),
  }));
}

Deno.test("every change records its typed event, in commit order, and announces it after commit", async () => {
  const w = await chatWorld();
  const heard: BusNews[] = [];
  w.deps.bus.subscribe((news) => heard.push(news));

  const direct = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.carol.user.id });
  const group = await makeGroup(w, w.bob, [w.carol]);
  const m = await say(w, w.bob, group, "hello");
  await w.call(w.bob, "PATCH", `/messages/${m}/`, { content: "hello!" });
  await w.call(w.carol, "POST", `/messages/${m}/reactions/`, { emoji: "👍" });
  await w.call(w.carol, "POST", `/conversations/${group}/mark_read/`, {});
  await w.call(w.bob, "PATCH", `/conversations/${group}/`, { topic: "news" });
  await w.call(w.bob, "POST", `/conversations/${group}/participants/`, { user_ids: [w.erin.user.id] });
  await w.call(w.bob, "DELETE", `/conversations/${group}/participants/${w.erin.user.id}/`);
  await w.call(w.bob, "DELETE", `/messages/${m}/`);
  await new Promise((r) => setTimeout(r, 0));
  const log = await eventLog(w);

  assert.deepEqual(log.map((e) => e.type), [
    "conversation_created",
    "conversation_created",
    "message_created",
    "message_updated",
    "reaction",
    "read",
    "conversation_updated",
    "participant_added",
    "message_created",
    "message_created",
    "participant_removed",
    "message_deleted",
  ]);
  assert.deepEqual(log.map((e) => e.id), [...log.map((e) => e.id)].sort((a, b) => a - b));
  assert.equal(log[0].conversationId, direct.body.id);
  assert.ok(log.slice(1).every((e) => e.conversationId === group));
  assert.equal(log[7].userId, w.erin.user.id);
  assert.equal(log[10].userId, w.erin.user.id);
  assert.deepEqual(log[5].data, { conversation_id: group, user_id: w.carol.user.id, last_read_message_id: m });
  assert.deepEqual(log[4].data.reactions, [{ emoji: "👍", count: 1, user_ids: [w.carol.user.id] }]);
  assert.deepEqual(log[11].data, { conversation_id: group, message_id: m });
  const announced = heard.filter((n) => n.kind === "events").map((n) => (n as { lastEventId: number }).lastEventId);
  assert.equal(announced.at(-1), log.at(-1)!.id);
  assert.deepEqual(announced, [...announced].sort((a, b) => a - b));
  await w.close();
});

Deno.test("a refused change records no event and announces nothing", async () => {
  const w = await chatWorld();
  const group = await makeGroup(w, w.bob, [w.carol]);
  const m = await say(w, w.bob, group, "hello");
  const before = (await eventLog(w)).length;
  const heard: BusNews[] = [];
  w.deps.bus.subscribe((news) => heard.push(news));

  await w.call(w.carol, "PATCH", `/messages/${m}/`, { content: "not mine" });
  await w.call(w.erin, "POST", `/conversations/${group}/messages/`, { content: "not in it" });
  await w.call(w.carol, "PATCH", `/conversations/${group}/`, { title: "no" });
  await w.call(w.bob, "POST", `/conversations/${group}/messages/`, { content: "x".repeat(5001) });
  await new Promise((r) => setTimeout(r, 0));

  assert.equal((await eventLog(w)).length, before);
  assert.deepEqual(heard, []);
  await w.close();
});

Deno.test("conversation creation, participant changes, edits and deletions are audited", async () => {
  const w = await chatWorld();
  const group = await makeGroup(w, w.bob, [w.carol]);
  const m = await say(w, w.bob, group, "hello");
  await w.call(w.bob, "POST", `/conversations/${group}/participants/`, { user_ids: [w.erin.user.id] });
  await w.call(w.bob, "DELETE", `/conversations/${group}/participants/${w.erin.user.id}/`);
  await w.call(w.carol, "POST", `/conversations/${group}/leave/`);
  await w.call(w.bob, "PATCH", `/messages/${m}/`, { content: "edited" });
  await w.call(w.bob, "DELETE", `/messages/${m}/`);

  const rows = await w.deps.database.client.execute(
    "SELECT action, actor_id FROM audit_log WHERE action NOT LIKE 'tenant.%' ORDER BY created_at, id",
  );

  assert.deepEqual(rows.rows.map((r) => r.action), [
    "conversation.created",
    "participant.added",
    "participant.removed",
    "participant.left",
    "message.edited",
    "message.deleted",
  ]);
  assert.equal(rows.rows[3].actor_id, w.carol.user.id);
  await w.close();
});
