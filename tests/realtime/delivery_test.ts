import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, removeMember, sendMessages } from "./fixtures.ts";

function contents(reader: SseReader): string[] {
  return reader.of("message_created").map((m) => JSON.parse(m.data).message.content);
}

Deno.test("a stream is subscribed before `connected`, with SSE headers and no compression", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme");
  const stream = await SseReader.open(`${server.url}/api/chat/events`, {
    ...acme.admin.auth,
    "accept-encoding": "gzip, br",
  });

  await stream.count("connected", 1);

  const h = stream.response.headers;
  assert.equal(h.get("content-type"), "text/event-stream; charset=utf-8");
  assert.match(h.get("cache-control") ?? "", /no-cache/);
  assert.equal(h.get("x-accel-buffering"), "no");
  assert.equal(h.get("content-encoding"), null);
  assert.equal(stream.retry, 2000);
  assert.deepEqual(JSON.parse(stream.messages[0].data), { user_id: acme.admin.user.id });
  assert.equal(stream.messages[0].id, null);
  await stream.close();
  await server.close();
});

Deno.test("a stream without a session is refused and a malformed cursor is a 400", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme");

  const anonymous = await fetch(`${server.url}/api/chat/events`);
  const badCursor = await fetch(`${server.url}/api/chat/events?after=abc`, { headers: acme.admin.auth });

  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  assert.equal(badCursor.status, 400);
  assert.equal((await badCursor.json()).error.code, "validation_error");
  await server.close();
});

Deno.test("conversation events reach every participant and nobody else, and removal bites on open streams", async () => {
  const server = await startServer();
  const deps = server.deps;
  const acme = await seedTenant(deps, "acme", { bob: "member", carol: "member" });
  const other = await seedTenant(deps, "other", { eve: "member" });
  const [admin, bob, carol, eve] = [acme.admin, acme.users.bob, acme.users.carol, other.users.eve];
  const team = await createGroup(deps, admin.user, [bob.user]);
  const carolsRoom = await createGroup(deps, carol.user, []);
  const bobsRoom = await createGroup(deps, bob.user, []);
  const evesRoom = await createGroup(deps, eve.user, []);
  const open = (who: typeof admin) => SseReader.open(`${server.url}/api/chat/events`, who.auth);
  const [sAdmin, sBob, sCarol, sEve] = await Promise.all([open(admin), open(bob), open(carol), open(eve)]);
  await Promise.all([sAdmin, sBob, sCarol, sEve].map((s) => s.count("connected", 1)));

  await sendMessages(deps, team, admin.user, ["hello team"]);
  await sendMessages(deps, carolsRoom, carol.user, ["carol sentinel 1"]);
  await sendMessages(deps, evesRoom, eve.user, ["eve sentinel 1"]);
  await Promise.all([
    sAdmin.count("message_created", 1),
    sBob.count("message_created", 1),
    sCarol.count("message_created", 1),
    sEve.count("message_created", 1),
  ]);

  assert.deepEqual(contents(sAdmin), ["hello team"]);
  assert.deepEqual(contents(sBob), ["hello team"]);
  // the sentinel arrived after the team message was published, so a leak would be here by now
  assert.deepEqual(contents(sCarol), ["carol sentinel 1"]);
  assert.deepEqual(contents(sEve), ["eve sentinel 1"]);

  await removeMember(deps, team, bob.user);
  await sendMessages(deps, team, admin.user, ["after bob left"]);
  await sendMessages(deps, bobsRoom, bob.user, ["bob sentinel"]);
  await sBob.count("message_created", 2);
  await sAdmin.count("message_created", 2);

  assert.equal(sBob.of("participant_removed").length, 1);
  assert.deepEqual(JSON.parse(sBob.of("participant_removed")[0].data), { conversation_id: team, user_id: bob.user.id });
  assert.deepEqual(contents(sBob), ["hello team", "bob sentinel"]);
  assert.deepEqual(contents(sAdmin), ["hello team", "after bob left"]);
  await Promise.all([sAdmin, sBob, sCarol, sEve].map((s) => s.close()));
  await server.close();
});

Deno.test("stopping the hub ends open streams with a short retry hint", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme");
  const stream = await SseReader.open(`${server.url}/api/chat/events`, acme.admin.auth);
  await stream.count("connected", 1);

  server.deps.realtime.stop(500);
  await stream.end();

  assert.equal(stream.retry, 500);
  await server.close();
});

Deno.test("a client that disconnects is unregistered", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme");
  const stream = await SseReader.open(`${server.url}/api/chat/events`, acme.admin.auth);
  await stream.count("connected", 1);
  assert.equal(server.deps.realtime.metrics.openStreams, 1);

  await stream.close();
  const deadline = Date.now() + 2000;
  while (server.deps.realtime.metrics.openStreams > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }

  assert.equal(server.deps.realtime.metrics.openStreams, 0);
  await server.close();
});
