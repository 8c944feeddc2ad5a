import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { createConversation, startDirect, updateConversation } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { setConversationFlag } from "../../chat/conversations/membership.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";
import { type SeededUser, seedTenant, testDeps } from "../helpers.ts";

interface Listed {
  id: string;
  title: string;
  updated_at: string;
  is_archived: boolean;
}

/**
 * Bob buried as in the field: 26 members each put him in 20 groups (520), plus his direct
 * chat and 6 channels, 527 in all. Conversations are created in bursts of 7 at the same
 * millisecond, so many share an `updated_at` and only the id orders them.
 */
async function buried() {
  const deps = await testDeps();
  const people: Record<string, "member"> = { bob: "member" };
  for (let i = 0; i < 26; i++) people[`m${i}`] = "member";
  const acme = await seedTenant(deps, "acme", people);
  const bob = acme.users.bob;
  const scopeOf = (user: User) =>
    scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
  let clock = Date.now() - 60 * 60_000;
  let made = 0;
  deps.now = () => clock;
  const tick = () => {
    if (++made % 7 === 0) clock += 1;
  };
  const ids: string[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 26; i++) {
      const member = acme.users[`m${i}`];
      const group = await createConversation(scopeOf(member.user), {
        kind: "group",
        title: `Group ${round}-${i}`,
        participantIds: [bob.user.id],
      }, deps);
      ids.push(group.id);
      tick();
    }
  }
  for (let i = 0; i < 6; i++) {
    const channel = await createConversation(scopeOf(acme.admin.user), {
      kind: "channel",
      title: `Channel ${i}`,
      participantIds: [bob.user.id],
    }, deps);
    ids.push(channel.id);
    tick();
  }
  const { conversation: direct } = await startDirect(scopeOf(acme.admin.user), bob.user.id, deps);
  ids.push(direct.id);
  clock += 1;
  // activity on old conversations: a message, and a topic change that posts none
  await sendMessage(scopeOf(acme.users.m3.user), ids[3], { content: "still here?" }, deps);
  clock += 1;
  await updateConversation(scopeOf(acme.users.m5.user), ids[5], { topic: "New topic" }, deps);
  deps.now = Date.now;
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  return {
    url: server.url,
    bob,
    bobScope: scopeOf(bob.user),
    ids,
    async list(who: SeededUser, query: string) {
      const res = await fetch(`${server.url}/api/chat/conversations/?${query}`, { headers: who.auth });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await server.shutdown();
      await deps.close();
    },
  };
}

/** Pages through the list with the last conversation's updated_at and id until a short page. */
async function pageThrough(w: Awaited<ReturnType<typeof buried>>, who: SeededUser, limit: number, extra = "") {
  const all: Listed[] = [];
  const sizes: number[] = [];
  let cursor = "";
  for (let guard = 0; guard < 1000; guard++) {
    const res = await w.list(who, `limit=${limit}${extra}${cursor}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Array.isArray(res.body), "the answer is a plain JSON array");
    const page = res.body as Listed[];
    all.push(...page);
    sizes.push(page.length);
    if (page.length < limit) return { all, sizes };
    const last = page.at(-1)!;
    cursor = `&before=${encodeURIComponent(last.updated_at)}&before_id=${last.id}`;
  }
  throw new Error("paging did not end");
}

function assertNewestFirst(list: Listed[]) {
  for (let i = 1; i < list.length; i++) {
    const [a, b] = [list[i - 1], list[i]];
    const ordered = a.updated_at > b.updated_at || (a.updated_at === b.updated_at && a.id > b.id);
    assert.ok(ordered, `position ${i}: ${a.updated_at} ${a.id} comes before ${b.updated_at} ${b.id}`);
  }
}

Deno.test("over HTTP, paging through 527 conversations returns each exactly once, newest activity first", async () => {
  const w = await buried();

  const { all, sizes } = await pageThrough(w, w.bob, 50);

  assert.equal(all.length, 527);
  assert.equal(new Set(all.map((c) => c.id)).size, 527, "no conversation is repeated");
  assert.deepEqual(new Set(all.map((c) => c.id)), new Set(w.ids), "none is missing");
  assert.deepEqual(sizes, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 27]);
  assertNewestFirst(all);
  const instants = new Set(all.map((c) => c.updated_at));
  assert.ok(instants.size < 100, `updated_at ties are common here (${instants.size} instants for 527)`);
  // the topic change and the message are the latest activity, as updated_at says
  assert.deepEqual(all.slice(0, 2).map((c) => c.id), [w.ids[5], w.ids[3]]);
  await w.close();
});

Deno.test("over HTTP, the list pages by 50 unless asked, 200 at most; a cursor without before_id passes its whole instant", async () => {
  const w = await buried();

  const first = await w.list(w.bob, "");
  const most = await w.list(w.bob, "limit=200");
  const tooMany = await w.list(w.bob, "limit=201");
  const last = first.body.at(-1) as Listed;
  const byInstant = await w.list(w.bob, `before=${encodeURIComponent(last.updated_at)}&limit=200`);
  const sameInstant = most.body.filter((c: Listed) => c.updated_at === last.updated_at);

  assert.equal(first.status, 200);
  assert.equal(first.body.length, 50);
  assert.equal(most.body.length, 200);
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.error.code, "validation_error");
  assert.ok(sameInstant.length > 1, "the cursor's instant is shared by several conversations");
  assert.equal(byInstant.status, 200);
  assert.ok(byInstant.body.length > 0);
  assert.ok(byInstant.body.every((c: Listed) => c.updated_at < last.updated_at));
  const olderInMost = most.body.filter((c: Listed) => c.updated_at < last.updated_at).map((c: Listed) => c.id);
  assert.deepEqual(byInstant.body.slice(0, olderInMost.length).map((c: Listed) => c.id), olderInMost);
  await w.close();
});

Deno.test("over HTTP, bad paging values are a 400 with the error shape", async () => {
  const w = await buried();
  const valid = encodeURIComponent(new Date().toISOString());
  const someId = w.ids[0];

  const answers = await Promise.all([
    "limit=0",
    "limit=-5",
    "limit=ten",
    "limit=2.5",
    "limit=",
    "before=yesterday",
    "before=2025-13-45T99:00:00Z",
    "before=1700000000000",
    `before=${valid}&before=${valid}`,
    `before=${valid}&before_id=not-an-id`,
    `before=${valid}&before_id=%27%20OR%201%3D1`,
    `before_id=${someId}`,
  ].map(async (query) => ({ query, ...await w.list(w.bob, query) })));
  const ok = await w.list(w.bob, `before=${valid}&before_id=${someId}&limit=10`);

  for (const a of answers) {
    assert.equal(a.status, 400, a.query);
    assert.equal(typeof a.body.error.code, "string", a.query);
    assert.equal(typeof a.body.error.message, "string", a.query);
  }
  assert.equal(ok.status, 200);
  assert.equal(ok.body.length, 10);
  await w.close();
});

Deno.test("over HTTP, archived conversations page the same way", async () => {
  const w = await buried();
  const archived = w.ids.filter((_, i) => i % 9 === 0);
  for (const id of archived) await setConversationFlag(w.bobScope, id, { isArchived: true });

  const { all, sizes } = await pageThrough(w, w.bob, 25, "&archived=true");
  const active = await pageThrough(w, w.bob, 200);

  assert.equal(archived.length, 59);
  assert.deepEqual(sizes, [25, 25, 9]);
  assert.deepEqual(new Set(all.map((c) => c.id)), new Set(archived));
  assert.equal(all.length, archived.length);
  assert.ok(all.every((c) => c.is_archived));
  assertNewestFirst(all);
  assert.equal(active.all.length, 527 - 59);
  assert.ok(active.all.every((c) => !c.is_archived));
  await w.close();
});
