import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { openSession } from "../../chat/accounts/accounts.ts";
import { sessions, users } from "../../db/schema/mod.ts";
import { json, type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

/** Revocations travel on the bus, so a stream ends this soon whatever its heartbeat. */
const END_WITHIN_MS = 1_000;
/** Heartbeats (and their session re-checks) far apart: within a test only bus news ends a stream. */
const BUS_ONLY = { heartbeatMs: 600_000 };

Deno.test("logout ends that session's JSON and HTML streams within 1 s; the user's other session keeps its stream", async () => {
  const server = await startServer(BUS_ONLY);
  const { admin, users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const other = await secondSession(server, bob);
  const team = await createGroup(server.url, admin, [bob]);
  const json1 = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  const html1 = await SseReader.open(`${server.url}/ui/events`, { cookie: `parley_session=${bob.token}` });
  const json2 = await SseReader.open(`${server.url}/api/chat/events`, other.auth);
  await Promise.all([json1, html1, json2].map((s) => s.count("connected", 1)));

  const [res] = await Promise.all([
    fetch(`${server.url}/api/auth/logout`, json({}, bob.auth)),
    json1.end(END_WITHIN_MS),
    html1.end(END_WITHIN_MS),
  ]);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  await postMessage(server.url, team, admin, "after logout");
  await json2.count("message_created", 1);

  assert.equal(json2.ended, false);
  assert.equal(json1.of("message_created").length, 0);
  assert.equal(await statusOf(`${server.url}/api/chat/events`, bob.auth), 401);
  assert.equal(await statusOf(`${server.url}/ui/events`, { cookie: `parley_session=${bob.token}` }), 401);
  await json2.close();
  await server.close();
});

Deno.test("signing out of the web UI (POST /logout) ends the page's stream within 1 s", async () => {
  const server = await startServer(BUS_ONLY);
  const { users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const cookie = `parley_session=${bob.token}`;
  const page = await SseReader.open(`${server.url}/ui/events`, { cookie });
  await page.count("connected", 1);

  const [res] = await Promise.all([
    fetch(`${server.url}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie,
        origin: server.url,
        "sec-fetch-site": "same-origin",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "",
    }),
    page.end(END_WITHIN_MS),
  ]);

  assert.equal(res.status, 303);
  await res.body?.cancel();
  assert.equal(await statusOf(`${server.url}/ui/events`, { cookie }), 401);
  await server.close();
});

Deno.test("deactivating a user ends every stream of theirs within 1 s; other users' streams stay", async () => {
  const server = await startServer(BUS_ONLY);
  const { admin, users: { bob, carol } } = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const other = await secondSession(server, bob);
  const team = await createGroup(server.url, admin, [bob, carol]);
  const bobs = await Promise.all([
    SseReader.open(`${server.url}/api/chat/events`, bob.auth),
    SseReader.open(`${server.url}/ui/events`, bob.auth),
    SseReader.open(`${server.url}/api/chat/events`, other.auth),
    SseReader.open(`${server.url}/ui/events`, { cookie: `parley_session=${other.token}` }),
  ]);
  const carols = await SseReader.open(`${server.url}/api/chat/events`, carol.auth);
  await Promise.all([...bobs, carols].map((s) => s.count("connected", 1)));

  const [status] = await Promise.all([
    patchUser(server.url, admin, bob, { is_active: false }),
    ...bobs.map((s) => s.end(END_WITHIN_MS)),
  ]);
  assert.equal(status, 200);
  await postMessage(server.url, team, admin, "after deactivation");
  await carols.count("message_created", 1);

  assert.equal(carols.ended, false);
  assert.equal(await statusOf(`${server.url}/api/chat/events`, other.auth), 401);
  await carols.close();
  await server.close();
});

Deno.test("a role change ends the user's streams within 1 s; the reconnected stream gets the guest's view", async () => {
  const server = await startServer(BUS_ONLY);
  const { admin, users: { bob, carol, dave } } = await seedTenant(server.deps, "acme", {
    bob: "member",
    carol: "member",
    dave: "member",
  });
  // bob shares a conversation with dave, none with carol
  await createGroup(server.url, admin, [bob, dave]);
  const watcher = await SseReader.open(`${server.url}/api/chat/events`, admin.auth);
  const before = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  await Promise.all([watcher, before].map((s) => s.count("connected", 1)));
  const carols = await SseReader.open(`${server.url}/api/chat/events`, carol.auth);
  await before.until((m) => presenceOf(m, carol, true), 5000, "carol online, seen as a member");

  const [status] = await Promise.all([patchUser(server.url, admin, bob, { role: "guest" }), before.end(END_WITHIN_MS)]);
  assert.equal(status, 200);
  const after = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  await after.count("connected", 1);
  const daves = await SseReader.open(`${server.url}/api/chat/events`, dave.auth);
  await daves.count("connected", 1);
  await carols.close();
  await watcher.until((m) => presenceOf(m, carol, false), 5000, "carol offline");
  await daves.close();
  await after.until((m) => presenceOf(m, dave, false), 5000, "dave offline, seen as a guest");

  const me = await fetch(`${server.url}/api/me`, { headers: bob.auth });
  assert.equal((await me.json()).user.role, "guest");
  assert.ok(!after.of("presence").some((m) => JSON.parse(m.data).user_id === carol.user.id));
  await Promise.all([watcher, after].map((s) => s.close()));
  await server.close();
});

Deno.test("the heartbeat re-check ends streams whose session was deleted or expired, or whose role changed, in the database directly", async () => {
  const heartbeatMs = 400;
  const server = await startServer({ heartbeatMs });
  const { users: { bob, carol } } = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const [expiring, kept] = [await secondSession(server, bob), await secondSession(server, bob)];
  const deleted = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  const expired = await SseReader.open(`${server.url}/ui/events`, expiring.auth);
  const demoted = await SseReader.open(`${server.url}/api/chat/events`, carol.auth);
  const control = await SseReader.open(`${server.url}/api/chat/events`, kept.auth);
  await Promise.all([deleted, expired, demoted, control].map((s) => s.count("connected", 1)));

  const db = server.deps.database.db;
  await db.delete(sessions).where(eq(sessions.id, sessionIdOf(bob.token)));
  await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(sessions.id, sessionIdOf(expiring.token)));
  await db.update(users).set({ role: "guest" }).where(eq(users.id, carol.user.id));
  await Promise.all([deleted, expired, demoted].map((s) => s.end(heartbeatMs + END_WITHIN_MS)));
  const heartbeats = control.comments.filter((c) => c === "heartbeat").length;
  await control.until(
    () => control.comments.filter((c) => c === "heartbeat").length >= heartbeats + 2,
    5000,
    "two heartbeats",
  );

  assert.equal(control.ended, false);
  await control.close();
  await server.close();
});

Deno.test("a user holds at most 20 streams: the 21st ends the oldest, and each further one the next oldest", async () => {
  const server = await startServer(BUS_ONLY);
  const { admin, users: { bob, carol } } = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const team = await createGroup(server.url, admin, [bob, carol]);
  const carols = await SseReader.open(`${server.url}/api/chat/events`, carol.auth);
  const bobs: SseReader[] = [];
  const open = async (path: string) => {
    const stream = await SseReader.open(`${server.url}${path}`, bob.auth);
    await stream.count("connected", 1);
    bobs.push(stream);
  };
  for (let i = 0; i < 20; i++) await open(i % 2 === 0 ? "/api/chat/events" : "/ui/events");
  await carols.count("connected", 1);

  await open("/api/chat/events");
  await bobs[0].end(END_WITHIN_MS);
  await open("/ui/events");
  await bobs[1].end(END_WITHIN_MS);
  await postMessage(server.url, team, admin, "to every open stream");
  await Promise.all(bobs.slice(2).map((s) => s.until((m) => m.some((x) => x.data.includes("every open stream")))));
  await carols.count("message_created", 1);

  assert.equal(bobs.length, 22);
  assert.deepEqual(bobs.map((s) => s.ended), [true, true, ...Array(20).fill(false)]);
  assert.equal(carols.ended, false);
  await Promise.all([...bobs.slice(2), carols].map((s) => s.close()));
  await server.close();
});

Deno.test("the stream limit follows RATE_LIMIT_STREAMS_PER_USER", async () => {
  const server = await startServer(BUS_ONLY, { RATE_LIMIT_STREAMS_PER_USER: "2" });
  const { users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const streams: SseReader[] = [];
  for (let i = 0; i < 3; i++) {
    streams.push(await SseReader.open(`${server.url}/api/chat/events`, bob.auth));
    await streams[i].count("connected", 1);
  }

  await streams[0].end(END_WITHIN_MS);

  assert.deepEqual(streams.map((s) => s.ended), [true, false, false]);
  await Promise.all(streams.slice(1).map((s) => s.close()));
  await server.close();
});

Deno.test("a workspace that lowers streams_per_user holds its users to it; another workspace keeps the server's cap", async () => {
  const server = await startServer(BUS_ONLY, { RATE_LIMIT_STREAMS_PER_USER: "3" });
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const globex = await seedTenant(server.deps, "globex", { erin: "member" });
  const put = await fetch(`${server.url}/api/chat/settings`, {
    method: "PUT",
    headers: { ...acme.admin.auth, "content-type": "application/json" },
    body: JSON.stringify({ streams_per_user: 1 }),
  });
  assert.equal(put.status, 200);
  await put.body?.cancel();
  const openThree = async (auth: Record<string, string>) => {
    const streams: SseReader[] = [];
    for (let i = 0; i < 3; i++) {
      streams.push(await SseReader.open(`${server.url}/api/chat/events`, auth));
      await streams[i].count("connected", 1);
    }
    return streams;
  };
  const bobs = await openThree(acme.users.bob.auth);
  await bobs[0].end(END_WITHIN_MS);
  await bobs[1].end(END_WITHIN_MS);
  const erins = await openThree(globex.users.erin.auth);

  assert.deepEqual(bobs.map((s) => s.ended), [true, true, false]);
  assert.deepEqual(erins.map((s) => s.ended), [false, false, false]);
  await Promise.all([bobs[2], ...erins].map((s) => s.close()));
  await server.close();
});

Deno.test("over BUS=broadcast, logout and deactivation on one instance end the streams held by another", async () => {
  const dir = await Deno.makeTempDir();
  const env = { DATABASE_URL: `file:${dir}/parley.db`, BUS: "broadcast" };
  const one = await startServer(BUS_ONLY, env);
  const two = await startServer(BUS_ONLY, env);
  try {
    const { admin, users: { bob, carol } } = await seedTenant(one.deps, "acme", { bob: "member", carol: "member" });
    const bobs = await SseReader.open(`${two.url}/api/chat/events`, bob.auth);
    const carols = await SseReader.open(`${two.url}/ui/events`, carol.auth);
    const admins = await SseReader.open(`${two.url}/api/chat/events`, admin.auth);
    await Promise.all([bobs, carols, admins].map((s) => s.count("connected", 1)));

    const [out] = await Promise.all([fetch(`${one.url}/api/auth/logout`, json({}, bob.auth)), bobs.end(END_WITHIN_MS)]);
    const [off] = await Promise.all([
      patchUser(one.url, admin, carol, { is_active: false }),
      carols.end(END_WITHIN_MS),
    ]);

    assert.equal(out.status, 200);
    assert.equal(off, 200);
    await out.body?.cancel();
    assert.equal(admins.ended, false);
    await admins.close();
  } finally {
    await one.close();
    await two.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Opens another session for the same user, as a second device would. */
async function secondSession(server: Server, who: SeededUser): Promise<SeededUser> {
  const token = await openSession(server.deps.database.db, server.deps.keys, who.user);
  return { ...who, token, auth: { authorization: `Bearer ${token}` } };
}

function sessionIdOf(token: string): string {
  return decodeJwt(token).jti!;
}

async function createGroup(url: string, owner: SeededUser, members: SeededUser[]): Promise<string> {
  const res = await fetch(
    `${url}/api/chat/conversations/`,
    json({ kind: "group", title: "Team", participant_ids: members.map((m) => m.user.id) }, owner.auth),
  );
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).id;
}

async function postMessage(url: string, conversationId: string, sender: SeededUser, content: string) {
  const res = await fetch(`${url}/api/chat/conversations/${conversationId}/messages/`, json({ content }, sender.auth));
  assert.equal(res.status, 201, await res.clone().text());
  await res.body?.cancel();
}

/** An admin's change to a user; answers the response's status. */
async function patchUser(url: string, admin: SeededUser, who: SeededUser, changes: Record<string, unknown>) {
  const res = await fetch(`${url}/api/admin/users/${who.user.id}`, { ...json(changes, admin.auth), method: "PATCH" });
  await res.body?.cancel();
  return res.status;
}

async function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers });
  await res.body?.cancel();
  return res.status;
}

function presenceOf(messages: { event: string; data: string }[], who: SeededUser, online: boolean): boolean {
  return messages.some((m) => {
    if (m.event !== "presence") return false;
    const data = JSON.parse(m.data);
    return data.user_id === who.user.id && data.is_online === online;
  });
}
