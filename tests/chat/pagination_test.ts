import assert from "node:assert/strict";
import { chatWorld, makeGroup } from "./world.ts";
import type { ChatWorld } from "./world.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";

async function seedMessages(w: ChatWorld, conversationId: string, count: number) {
  const scope = scopeFor({ db: w.deps.database.db, bus: w.deps.bus }, {
    tenantId: w.bob.user.tenantId,
    userId: w.bob.user.id,
    role: "member",
  });
  const deps = { ...w.deps, limiter: { hit() {} } as unknown as typeof w.deps.limiter };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await sendMessage(scope, conversationId, { content: `m${i}` }, deps)).message.id);
  }
  return ids;
}

const contents = (body: { content: string }[]) => body.map((m) => m.content);

Deno.test("without a cursor the newest page comes back, ascending, default 50 and at most 100", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  await seedMessages(w, id, 120);

  const byDefault = await w.call(w.carol, "GET", `/conversations/${id}/messages/`);
  const hundred = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=100`);
  const tooMany = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=101`);
  const zero = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=0`);
  const junk = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=abc`);

  assert.equal(byDefault.body.length, 50);
  assert.equal(byDefault.body[0].content, "m70");
  assert.equal(byDefault.body.at(-1).content, "m119");
  assert.equal(hundred.body.length, 100);
  assert.equal(hundred.body[0].content, "m20");
  assert.deepEqual([tooMany.status, zero.status, junk.status], [400, 400, 400]);
  await w.close();
});

Deno.test("before_id pages back across boundaries to the first message without gaps or repeats", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  await seedMessages(w, id, 95);

  const seen: string[] = [];
  let page = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=20`);
  const pages = [page.body.length];
  seen.unshift(...contents(page.body));
  while (page.body.length === 20) {
    page = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=20&before_id=${page.body[0].id}`);
    pages.push(page.body.length);
    seen.unshift(...contents(page.body));
  }
  const beforeFirst = await w.call(w.carol, "GET", `/conversations/${id}/messages/?before_id=${page.body[0].id}`);

  assert.deepEqual(pages, [20, 20, 20, 20, 15]);
  assert.deepEqual(seen, Array.from({ length: 95 }, (_, i) => `m${i}`));
  assert.deepEqual(beforeFirst.body, []);
  await w.close();
});

Deno.test("since_id pages forward across boundaries to the newest message", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const ids = await seedMessages(w, id, 45);

  const seen: string[] = [];
  let cursor = ids[4];
  const sizes: number[] = [];
  for (;;) {
    const page = await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=15&since_id=${cursor}`);
    sizes.push(page.body.length);
    if (page.body.length === 0) break;
    seen.push(...contents(page.body));
    cursor = page.body.at(-1).id;
  }

  assert.deepEqual(sizes, [15, 15, 10, 0]);
  assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => `m${i + 5}`));
  await w.close();
});

Deno.test("malformed or contradictory cursors are a 400", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const [first] = await seedMessages(w, id, 1);

  const malformed = await w.call(w.carol, "GET", `/conversations/${id}/messages/?before_id=1 OR 1=1`);
  const both = await w.call(w.carol, "GET", `/conversations/${id}/messages/?before_id=${first}&since_id=${first}`);

  assert.equal(malformed.status, 400);
  assert.equal(both.status, 400);
  await w.close();
});

Deno.test("fetching marks messages delivered, which the sender sees as status", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  await seedMessages(w, id, 3);

  const beforeFetch = await w.call(w.bob, "GET", `/conversations/${id}/messages/`);
  await w.call(w.carol, "GET", `/conversations/${id}/messages/?limit=2`);
  const afterFetch = await w.call(w.bob, "GET", `/conversations/${id}/messages/`);

  assert.deepEqual(beforeFetch.body.map((m: { status: string }) => m.status), ["sent", "sent", "sent"]);
  assert.deepEqual(afterFetch.body.map((m: { status: string }) => m.status), ["delivered", "delivered", "delivered"]);
  await w.close();
});
