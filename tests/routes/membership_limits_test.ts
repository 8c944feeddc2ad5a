import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { participants } from "../../db/schema/mod.ts";
import { type SeededUser, seedTenant, testDeps } from "../helpers.ts";

/** A real server with acme: its admin, 40 members p0…p39, and guest gus. */
async function workspace() {
  const deps = await testDeps();
  const people: Record<string, "member" | "guest"> = { gus: "guest" };
  for (let i = 0; i < 40; i++) people[`p${i}`] = "member";
  const acme = await seedTenant(deps, "acme", people);
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  const call = async (who: SeededUser, method: string, path: string, body: unknown = {}) => {
    const res = await fetch(`${server.url}/api/chat${path}`, {
      method,
      headers: { ...who.auth, "content-type": "application/json" },
      body: method === "GET" ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const p = (i: number) => acme.users[`p${i}`];
  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => p(from + i).user.id);
  return {
    deps,
    acme,
    admin: acme.admin,
    gus: acme.users.gus,
    p,
    ids,
    call,
    async members(who: SeededUser, conversationId: string) {
      const res = await call(who, "GET", `/conversations/${conversationId}/`);
      assert.equal(res.status, 200);
      return (res.body.participants as { id: string }[]).map((x) => x.id).sort();
    },
    async count(sql: string, ...args: string[]) {
      return Number((await deps.database.client.execute({ sql, args })).rows[0][0]);
    },
    async close() {
      await server.shutdown();
      await deps.close();
    },
  };
}

function assertLimited(res: { status: number; headers: Headers; body: { error: { code: string } } }) {
  assert.equal(res.status, 429);
  assert.equal(res.body.error.code, "rate_limited");
  assert.ok(Number(res.headers.get("retry-after")) >= 1, `Retry-After ${res.headers.get("retry-after")}`);
}

Deno.test("over HTTP, the 31st person added in a minute is a 429 and nobody of that request is added", async () => {
  const w = await workspace();
  const owner = w.p(0);
  const created = await w.call(owner, "POST", "/conversations/", {
    kind: "group",
    title: "Crowd",
    participant_ids: w.ids(1, 11),
  });
  const id = created.body.id as string;
  const url = `/conversations/${id}/participants/`;

  const fifteen = await w.call(owner, "POST", url, { user_ids: w.ids(11, 26) });
  const alreadyIn = await w.call(owner, "POST", url, { user_ids: w.ids(1, 26) });
  const before = await w.members(owner, id);
  const events = await w.count("SELECT count(*) FROM events WHERE type = 'participant_added'");
  const overBy1 = await w.call(owner, "POST", url, { user_ids: w.ids(26, 32) });
  const after = await w.members(owner, id);
  const eventsAfter = await w.count("SELECT count(*) FROM events WHERE type = 'participant_added'");
  const lastFive = await w.call(owner, "POST", url, { user_ids: w.ids(26, 31) });
  const thirtyFirst = await w.call(owner, "POST", url, { user_ids: w.ids(31, 32) });
  const byAnotherOwner = await w.call(w.admin, "POST", "/conversations/", {
    kind: "group",
    title: "Admin's",
    participant_ids: w.ids(31, 33),
  });

  assert.equal(created.status, 201);
  assert.equal(fifteen.status, 200);
  assert.equal(alreadyIn.status, 200, "people already in it are not added again and do not count");
  assert.equal(before.length, 26);
  assertLimited(overBy1);
  assert.deepEqual(after, before);
  assert.equal(eventsAfter, events);
  assert.equal(lastFive.status, 200);
  assert.equal(lastFive.body.participants.length, 31);
  assertLimited(thirtyFirst);
  assert.equal((await w.members(owner, id)).length, 31);
  assert.equal(byAnotherOwner.status, 201, "the limit is the adder's own");
  await w.close();
});

Deno.test("over HTTP, a new group's participant_ids count as additions: 31 at once or past 30 in a minute is a 429 and creates nothing", async () => {
  const w = await workspace();
  const maker = w.p(0);
  const conversations = () => w.count("SELECT count(*) FROM conversations");

  const tooMany = await w.call(maker, "POST", "/conversations/", {
    kind: "group",
    title: "Too many",
    participant_ids: w.ids(1, 32),
  });
  const afterRefusal = await conversations();
  const thirty = await w.call(maker, "POST", "/conversations/", {
    kind: "channel",
    title: "Thirty",
    participant_ids: w.ids(1, 31),
  });
  const oneMore = await w.call(maker, "POST", "/conversations/", {
    kind: "group",
    title: "One more",
    participant_ids: w.ids(31, 32),
  });
  const alone = await w.call(maker, "POST", "/conversations/", { kind: "group", title: "Just me" });

  assertLimited(tooMany);
  assert.equal(afterRefusal, 0);
  assert.equal(thirty.status, 201);
  assert.equal(thirty.body.participants.length, 31);
  assertLimited(oneMore);
  assert.equal(alone.status, 201, "a group with nobody else adds nobody");
  assert.equal(await conversations(), 2);
  await w.close();
});

Deno.test("over HTTP, anyone can leave a group or channel whatever their role, and ownership passes on", async () => {
  const w = await workspace();
  const [owner, convAdmin, member, other] = [w.p(0), w.p(1), w.p(2), w.p(3)];
  const group = (await w.call(owner, "POST", "/conversations/", {
    kind: "group",
    title: "Everyone",
    participant_ids: [convAdmin, member, other, w.gus, w.admin].map((u) => u.user.id),
  })).body.id as string;
  // no API names conversation admins yet: p1 is made one in the database
  await w.deps.database.db.update(participants).set({ role: "admin" })
    .where(and(eq(participants.conversationId, group), eq(participants.userId, convAdmin.user.id)));
  const leave = (who: SeededUser, id = group) => w.call(who, "POST", `/conversations/${id}/leave/`);
  const listed = async (who: SeededUser) =>
    (await w.call(who, "GET", "/conversations/?limit=200")).body.map((c: { id: string }) => c.id);

  await leaveAndCheck("the owner", owner);
  // the conversation admin became the owner: they rename it, then leave as the last owner
  assert.equal((await w.call(convAdmin, "PATCH", `/conversations/${group}/`, { title: "Renamed" })).status, 200);
  await leaveAndCheck("the conversation admin who inherited it", convAdmin);
  await leaveAndCheck("a guest", w.gus);
  await leaveAndCheck("the workspace admin", w.admin);
  // through DELETE …/participants/{own id}, too
  const removedSelf = await w.call(member, "DELETE", `/conversations/${group}/participants/${member.user.id}/`);
  assert.equal(removedSelf.status, 200);
  assert.ok(!(await listed(member)).includes(group));
  // the last one in it can leave as well, and then nobody sees it
  assert.deepEqual(await w.members(other, group), [other.user.id]);
  await leaveAndCheck("the last member", other);

  const channel = (await w.call(owner, "POST", "/conversations/", {
    kind: "channel",
    title: "general",
    participant_ids: [member.user.id],
  })).body.id as string;
  await leaveAndCheck("a channel's member", member, channel);
  await leaveAndCheck("a channel's owner", owner, channel);
  // one who left can be added again, and leave again
  assert.equal((await w.call(w.admin, "POST", `/conversations/${channel}/join/`)).status, 200);
  assert.equal(
    (await w.call(w.admin, "POST", `/conversations/${channel}/participants/`, { user_ids: [owner.user.id] })).status,
    200,
  );
  await leaveAndCheck("an owner added back", owner, channel);

  async function leaveAndCheck(who: string, user: SeededUser, id = group) {
    const res = await leave(user, id);
    assert.equal(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, { status: "left" });
    assert.ok(!(await listed(user)).includes(id), `${who} no longer lists it`);
    assert.equal((await w.call(user, "GET", `/conversations/${id}/messages/`)).status, 404, `${who} reads nothing`);
  }
  await w.close();
});

Deno.test("over HTTP, when the owner leaves, ownership skips a guest who joined first", async () => {
  const w = await workspace();
  const [owner, member, outsider] = [w.p(0), w.p(1), w.p(2)];
  const group = (await w.call(owner, "POST", "/conversations/", {
    kind: "group",
    title: "With a client",
    participant_ids: [w.gus.user.id, member.user.id],
  })).body.id as string;

  const left = await w.call(owner, "POST", `/conversations/${group}/leave/`);
  const guestAdds = await w.call(w.gus, "POST", `/conversations/${group}/participants/`, {
    user_ids: [outsider.user.id],
  });
  const memberAdds = await w.call(member, "POST", `/conversations/${group}/participants/`, {
    user_ids: [owner.user.id],
  });

  assert.equal(left.status, 200);
  assert.equal(guestAdds.status, 403);
  assert.equal(memberAdds.status, 200, "the member inherited it");
  assert.deepEqual(await w.members(member, group), [w.gus.user.id, member.user.id, owner.user.id].sort());
  // a guest left alone with guests: no owner, and leaving still works
  assert.equal((await w.call(member, "POST", `/conversations/${group}/leave/`)).status, 200);
  assert.equal((await w.call(owner, "POST", `/conversations/${group}/leave/`)).status, 200);
  assert.equal((await w.call(w.gus, "POST", `/conversations/${group}/leave/`)).status, 200);
  await w.close();
});

Deno.test("over HTTP, a direct conversation is archived rather than left, and nobody leaves what they are not in", async () => {
  const w = await workspace();
  const [a, b, c] = [w.p(0), w.p(1), w.p(2)];
  const direct = (await w.call(a, "POST", "/conversations/start/", { participant_id: b.user.id })).body.id as string;
  const group = (await w.call(a, "POST", "/conversations/", { kind: "group", title: "G", participant_ids: [] }))
    .body.id as string;

  const leaveDirect = await w.call(a, "POST", `/conversations/${direct}/leave/`);
  const outsider = await w.call(c, "POST", `/conversations/${group}/leave/`);
  const unknown = await w.call(c, "POST", `/conversations/not-an-id/leave/`);
  const archived = await w.call(a, "PATCH", `/conversations/${direct}/archive/`);

  assert.equal(leaveDirect.status, 400);
  assert.match(leaveDirect.body.error.message, /archive it instead/);
  assert.equal(outsider.status, 404);
  assert.equal(unknown.status, 404);
  assert.equal(archived.status, 200);
  assert.deepEqual(await w.members(b, direct), [a.user.id, b.user.id].sort());
  await w.close();
});
