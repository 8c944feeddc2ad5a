import assert from "node:assert/strict";
import { chatWorld, makeGroup, say } from "./world.ts";
import type { ChatWorld } from "./world.ts";
import type { SeededUser } from "../helpers.ts";

type Role = "owner" | "admin" | "member" | "guest" | "nonParticipant" | "otherTenant";
interface Fixture {
  conversation: string;
  message: string;
  attachment: string;
  target: string;
}
interface Route {
  name: string;
  call(w: ChatWorld, who: SeededUser, f: Fixture): Promise<{ status: number }>;
  expect: Record<Role, number>;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const readers = { owner: 200, admin: 200, member: 200, guest: 200, nonParticipant: 404, otherTenant: 404 };
const managers = { owner: 200, admin: 200, member: 403, guest: 403, nonParticipant: 404, otherTenant: 404 };

const routes: Route[] = [
  {
    name: "GET conversation",
    call: (w, u, f) => w.call(u, "GET", `/conversations/${f.conversation}/`),
    expect: readers,
  },
  {
    name: "PATCH conversation",
    call: (w, u, f) => w.call(u, "PATCH", `/conversations/${f.conversation}/`, { title: "New" }),
    expect: managers,
  },
  {
    name: "GET messages",
    call: (w, u, f) => w.call(u, "GET", `/conversations/${f.conversation}/messages/`),
    expect: readers,
  },
  {
    name: "POST messages",
    call: (w, u, f) => w.call(u, "POST", `/conversations/${f.conversation}/messages/`, { content: "hi" }),
    expect: { ...readers, owner: 201, admin: 201, member: 201, guest: 201 },
  },
  {
    name: "POST mark_read",
    call: (w, u, f) => w.call(u, "POST", `/conversations/${f.conversation}/mark_read/`, {}),
    expect: readers,
  },
  {
    name: "PUT read",
    call: (w, u, f) => w.call(u, "PUT", `/conversations/${f.conversation}/read`, {}),
    expect: readers,
  },
  {
    name: "PATCH archive",
    call: (w, u, f) => w.call(u, "PATCH", `/conversations/${f.conversation}/archive/`),
    expect: readers,
  },
  {
    name: "PATCH mute",
    call: (w, u, f) => w.call(u, "PATCH", `/conversations/${f.conversation}/mute/`),
    expect: readers,
  },
  {
    name: "POST participants",
    call: (w, u, f) => w.call(u, "POST", `/conversations/${f.conversation}/participants/`, { user_ids: [f.target] }),
    expect: managers,
  },
  {
    name: "DELETE participant",
    call: (w, u, f) => w.call(u, "DELETE", `/conversations/${f.conversation}/participants/${f.target}/`),
    expect: managers,
  },
  {
    name: "POST join",
    call: (w, u, f) => w.call(u, "POST", `/conversations/${f.conversation}/join/`),
    expect: readers,
  },
  {
    name: "PATCH message",
    call: (w, u, f) => w.call(u, "PATCH", `/messages/${f.message}/`, { content: "edited" }),
    expect: { ...managers, admin: 403 },
  },
  {
    name: "POST reaction",
    call: (w, u, f) => w.call(u, "POST", `/messages/${f.message}/reactions/`, { emoji: "👍" }),
    expect: { ...readers, owner: 201, admin: 201, member: 201, guest: 201 },
  },
  {
    name: "DELETE reaction",
    call: (w, u, f) => w.call(u, "DELETE", `/messages/${f.message}/reactions/`, { emoji: "👍" }),
    expect: readers,
  },
  {
    name: "GET attachment",
    call: async (w, u, f) => await w.app.request(`/api/chat/attachments/${f.attachment}/`, { headers: u.auth }),
    expect: readers,
  },
  {
    name: "DELETE message",
    call: (w, u, f) => w.call(u, "DELETE", `/messages/${f.message}/`),
    expect: managers,
  },
  {
    name: "POST leave",
    call: (w, u, f) => w.call(u, "POST", `/conversations/${f.conversation}/leave/`),
    expect: readers,
  },
];

// outsiders first, then the participants, with the owner last: some calls change what later ones may do
const ORDER: Role[] = ["otherTenant", "nonParticipant", "guest", "member", "admin", "owner"];

Deno.test("every conversation route answers each role as the permission matrix says", async (t) => {
  const w = await chatWorld({
    RATE_LIMIT_CONVERSATIONS_PER_MIN: "10000",
    RATE_LIMIT_MESSAGES_PER_MIN: "10000",
    RATE_LIMIT_PARTICIPANT_ADDS_PER_MIN: "10000",
  });
  const people: Record<Role, SeededUser> = {
    owner: w.bob,
    admin: w.admin,
    member: w.carol,
    guest: w.dan,
    nonParticipant: w.erin,
    otherTenant: w.outsider,
  };
  for (const route of routes) {
    await t.step(route.name, async () => {
      const conversation = await makeGroup(w, w.bob, [w.admin, w.carol, w.dan]);
      const fixture: Fixture = { conversation, message: "", attachment: "", target: "" };
      const actual: Partial<Record<Role, number>> = {};
      for (const role of ORDER) {
        const body = new FormData();
        body.append("content", "with file");
        body.append("attachments", new File([PNG], "a.png"));
        const sent = await w.call(w.bob, "POST", `/conversations/${conversation}/messages/`, body);
        fixture.message = sent.body.id;
        fixture.attachment = sent.body.attachments[0].id;
        // erin is the person added or removed: put her in (or take her out) before each call
        // (when erin herself is the caller, she tries to remove carol instead: removing yourself is leaving)
        fixture.target = role === "nonParticipant" ? w.carol.user.id : w.erin.user.id;
        if (route.name === "DELETE participant" && role !== "nonParticipant") {
          await w.call(w.bob, "POST", `/conversations/${conversation}/participants/`, { user_ids: [w.erin.user.id] });
        }
        if (route.name === "POST participants") {
          await w.call(w.bob, "DELETE", `/conversations/${conversation}/participants/${w.erin.user.id}/`);
        }
        if (route.name === "DELETE reaction") {
          await w.call(people[role], "POST", `/messages/${fixture.message}/reactions/`, { emoji: "👍" });
        }
        actual[role] = (await route.call(w, people[role], fixture)).status;
        if (route.name === "DELETE participant" || route.name === "POST participants") {
          await w.call(w.bob, "DELETE", `/conversations/${conversation}/participants/${w.erin.user.id}/`);
        }
      }
      assert.deepEqual(actual, route.expect);
    });
  }
  await w.close();
});

Deno.test("a tenant admin who is not in a conversation cannot read or change it", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const message = await say(w, w.carol, id, "private");

  const calls = [
    await w.call(w.admin, "GET", `/conversations/${id}/`),
    await w.call(w.admin, "GET", `/conversations/${id}/messages/`),
    await w.call(w.admin, "POST", `/conversations/${id}/messages/`, { content: "x" }),
    await w.call(w.admin, "PATCH", `/conversations/${id}/`, { title: "x" }),
    await w.call(w.admin, "DELETE", `/messages/${message}/`),
    await w.call(w.admin, "POST", `/conversations/${id}/participants/`, { user_ids: [w.admin.user.id] }),
  ];
  const list = await w.call(w.admin, "GET", "/conversations/");

  assert.deepEqual(calls.map((c) => c.status), [404, 404, 404, 404, 404, 404]);
  assert.deepEqual(list.body, []);
  const stillThere = await w.call(w.carol, "GET", `/conversations/${id}/messages/`);
  assert.equal(stillThere.body.length, 1);
  await w.close();
});

Deno.test("another tenant's ids are 404 everywhere, and malformed ids too", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const message = await say(w, w.bob, id, "ours");
  const theirs = await makeGroup(w, w.outsider, [w.zed]);

  const attacks = [
    await w.call(w.zed, "GET", `/conversations/${id}/messages/`),
    await w.call(w.zed, "POST", `/messages/${message}/reactions/`, { emoji: "👍" }),
    await w.call(w.zed, "DELETE", `/messages/${message}/`),
    await w.call(w.bob, "GET", `/conversations/${theirs}/`),
    await w.call(w.bob, "POST", `/conversations/${theirs}/join/`),
    await w.call(w.bob, "GET", `/conversations/not-a-uuid/`),
    await w.call(w.bob, "PATCH", `/messages/not-a-uuid/`, { content: "x" }),
    await w.call(w.bob, "GET", `/attachments/not-a-uuid/`),
  ];
  const unauthenticated = await w.app.request(`/api/chat/conversations/${id}/messages/`);

  assert.deepEqual(attacks.map((a) => a.status), [404, 404, 404, 404, 404, 404, 404, 404]);
  assert.equal(unauthenticated.status, 401);
  await w.close();
});
