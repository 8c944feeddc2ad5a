import assert from "node:assert/strict";
import { group, liveWorld, post } from "./live_world.ts";

Deno.test("over HTTP, GET /api/chat/messages/{id}/ answers one message to participants and 404 to anyone else", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  const m = await post(w, w.bob, team, "hello");

  const own = await w.call(w.carol, "GET", `/messages/${m.id}/`);
  const notMember = await w.call(w.erin, "GET", `/messages/${m.id}/`);
  const guest = await w.call(w.dan, "GET", `/messages/${m.id}/`);
  const otherWorkspace = await w.call(w.zed, "GET", `/messages/${m.id}/`);
  const malformed = await w.call(w.carol, "GET", "/messages/nope/");

  assert.equal(own.status, 200);
  assert.equal(own.body.content, "hello");
  assert.deepEqual([notMember.status, guest.status, otherWorkspace.status, malformed.status], [404, 404, 404, 404]);
  await w.close();
});

Deno.test("over HTTP, ?around_id= gives the page centred on a message and ?sender_id= one sender's messages", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  const sent = [];
  for (let i = 0; i < 11; i++) sent.push(await post(w, i % 2 ? w.carol : w.bob, team, `m${i}`));
  const texts = (res: { body: { content: string }[] }) => res.body.map((m) => m.content);

  const around = await w.call(w.bob, "GET", `/conversations/${team}/messages/?around_id=${sent[5].id}&limit=5`);
  const nearStart = await w.call(w.bob, "GET", `/conversations/${team}/messages/?around_id=${sent[1].id}&limit=5`);
  const nearEnd = await w.call(w.bob, "GET", `/conversations/${team}/messages/?around_id=${sent[10].id}&limit=4`);
  const carols = await w.call(w.bob, "GET", `/conversations/${team}/messages/?sender_id=${w.carol.user.id}&limit=3`);
  const both = await w.call(
    w.bob,
    "GET",
    `/conversations/${team}/messages/?around_id=${sent[5].id}&before_id=${sent[9].id}`,
  );
  const outsider = await w.call(w.erin, "GET", `/conversations/${team}/messages/?around_id=${sent[5].id}`);

  assert.deepEqual(texts(around), ["m3", "m4", "m5", "m6", "m7"]);
  assert.deepEqual(texts(nearStart), ["m0", "m1", "m2", "m3", "m4"]);
  assert.deepEqual(texts(nearEnd), ["m7", "m8", "m9", "m10"]);
  assert.deepEqual(texts(carols), ["m5", "m7", "m9"]);
  assert.equal(both.status, 400);
  assert.equal(outsider.status, 404);
  await w.close();
});
