import assert from "node:assert/strict";
import { chatWorld, makeGroup } from "./world.ts";

Deno.test("concurrent sends commit together yet each stays whole: all stored, events in order, a duplicate alone fails over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-group-" });
  const w = await chatWorld({ DATABASE_URL: `file:${dir}/chat.db` });
  const id = await makeGroup(w, w.bob, [w.carol, w.erin]);
  const senders = [w.bob, w.carol, w.erin];

  const sends = Array.from({ length: 60 }, (_, i) =>
    w.call(senders[i % 3], "POST", `/conversations/${id}/messages/`, {
      content: `m${i}`,
      // a send and its retry (same sender and client_id) ride along in the same group
      ...(i === 30 || i === 33 ? { client_id: "k-1" } : {}),
    }));
  const results = await Promise.all(sends);

  assert.deepEqual(results.map((r) => r.status), results.map(() => 201));
  assert.equal(results[30].body.id, results[33].body.id);
  assert.equal(new Set(results.map((r) => r.body.id)).size, 59);
  const page = await w.call(w.bob, "GET", `/conversations/${id}/messages/?limit=100`);
  assert.equal(page.body.length, 59);
  // every message got exactly one event, and event order is message order
  const events = await w.deps.database.client.execute(
    "SELECT json_extract(data, '$.message.id') AS mid FROM events WHERE type = 'message_created' ORDER BY id",
  );
  const eventOrder = events.rows.map((r) => r.mid as string);
  assert.equal(eventOrder.length, 59);
  assert.deepEqual(eventOrder, [...eventOrder].sort());
  // the conversation's preview and the senders' read marks advanced with their own messages
  const list = await w.call(w.carol, "GET", "/conversations/");
  const row = list.body.find((c: { id: string }) => c.id === id);
  assert.equal(row.last_message.id, eventOrder.at(-1));
  await w.close();
  await Deno.remove(dir, { recursive: true });
});
