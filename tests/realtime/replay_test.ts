import assert from "node:assert/strict";
import { lte } from "drizzle-orm";
import { seedTenant } from "../helpers.ts";
import { events } from "../../db/schema/mod.ts";
import { eventLogBounds } from "../../db/event_replay.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, sendMessages } from "./fixtures.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

function contents(reader: SseReader): string[] {
  return reader.of("message_created").map((m) => JSON.parse(m.data).message.content);
}

async function latestId(server: { deps: { database: { db: Parameters<typeof eventLogBounds>[0] } } }) {
  return (await eventLogBounds(server.deps.database.db)).latest;
}

async function setUp() {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const team = await createGroup(server.deps, acme.admin.user, [acme.users.bob.user]);
  return { server, acme, team, admin: acme.admin, bob: acme.users.bob };
}

for (const via of ["Last-Event-ID", "?after="] as const) {
  Deno.test(`100 messages sent while away arrive once and in order on resume via ${via}, then live`, async () => {
    const { server, team, admin, bob } = await setUp();
    const first = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
    await sendMessages(server.deps, team, admin.user, ["m0"]);
    await first.count("message_created", 1);
    const cursor = first.of("message_created")[0].id!;
    await first.close();

    for (let i = 1; i <= 100; i += 10) await sendMessages(server.deps, team, admin.user, range(i, i + 9));
    const resumed = via === "Last-Event-ID"
      ? await SseReader.open(`${server.url}/api/chat/events`, { ...bob.auth, "last-event-id": cursor })
      : await SseReader.open(`${server.url}/api/chat/events?after=${cursor}`, bob.auth);
    await resumed.count("message_created", 100);
    await sendMessages(server.deps, team, admin.user, ["live"]);
    await resumed.count("message_created", 101);

    assert.deepEqual(contents(resumed), [...range(1, 100), "live"]);
    const ids = resumed.of("message_created").map((m) => Number(m.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(new Set(ids).size, 101);
    assert.ok(ids[0] > Number(cursor));
    assert.equal(resumed.messages[0].event, "connected");
    assert.ok(server.deps.realtime.metrics.eventsReplayed >= 100);
    await resumed.close();
    await server.close();
  });
}

Deno.test("messages committed while a resume is replaying are neither lost nor doubled", async () => {
  const { server, team, admin, bob } = await setUp();
  await sendMessages(server.deps, team, admin.user, ["m0"]);
  const cursor = await latestId(server);
  await sendMessages(server.deps, team, admin.user, range(1, 400));

  const resumed = await SseReader.open(`${server.url}/api/chat/events?after=${cursor}`, bob.auth);
  const racing = (async () => {
    for (let i = 401; i <= 500; i += 5) await sendMessages(server.deps, team, admin.user, range(i, i + 4));
  })();
  await racing;
  await resumed.count("message_created", 500, 10_000);

  assert.deepEqual(contents(resumed), range(1, 500));
  await resumed.close();
  await server.close();
});

Deno.test("a cursor older than the log keeps gets one reset event and no stale replay", async () => {
  const { server, team, admin, bob } = await setUp();
  await sendMessages(server.deps, team, admin.user, ["old 1", "old 2", "old 3"]);
  const staleCursor = 1;
  const db = server.deps.database.db;
  const newest = await latestId(server);
  await db.update(events).set({ createdAt: new Date(Date.now() - 48 * 3_600_000) }).where(lte(events.id, newest - 1));
  await server.deps.realtime.hub.purge();

  const stream = await SseReader.open(`${server.url}/api/chat/events?after=${staleCursor}`, bob.auth);
  await stream.count("reset", 1);
  await sendMessages(server.deps, team, admin.user, ["fresh"]);
  await stream.count("message_created", 1);

  // presence (bob coming online) may come in between whenever the presence tick falls
  const durable = stream.messages.map((m) => m.event).filter((e) => e !== "presence");
  assert.deepEqual(durable, ["connected", "reset", "message_created"]);
  assert.equal(Number(stream.of("reset")[0].id), newest);
  assert.deepEqual(contents(stream), ["fresh"]);
  await stream.close();
  await server.close();
});

Deno.test("a cursor from beyond the end of the log gets a reset", async () => {
  const { server, bob } = await setUp();

  const stream = await SseReader.open(`${server.url}/api/chat/events?after=999999`, bob.auth);
  await stream.count("reset", 1);

  assert.equal(Number(stream.of("reset")[0].id), await latestId(server));
  await stream.close();
  await server.close();
});

Deno.test("the long-poll returns the same events as the stream, and waits for the next one", async () => {
  const { server, team, admin, bob } = await setUp();
  const cursor = await latestId(server);
  const stream = await SseReader.open(`${server.url}/api/chat/events?after=${cursor}`, bob.auth);
  await sendMessages(server.deps, team, admin.user, range(1, 5));
  await stream.count("message_created", 5);
  const streamed = stream.of("message_created").map((m) => [m.id, m.event, m.data]);

  const polled = await (await fetch(`${server.url}/api/chat/events/poll?after=${cursor}`, { headers: bob.auth }))
    .json();
  // presence changes (the poll itself is API activity) may answer a wait first: follow the
  // cursor until the message comes
  const waitFrom = async (after: string) => {
    const response = await fetch(`${server.url}/api/chat/events/poll?after=${after}&timeout=10`, { headers: bob.auth });
    return {
      response,
      events: await response.json() as { id: number; type: string; data: { message: { content: string } } }[],
    };
  };
  const waiting = waitFrom(stream.of("message_created").at(-1)!.id!);
  await new Promise((r) => setTimeout(r, 100));
  await sendMessages(server.deps, team, admin.user, ["after the wait began"]);
  let waited = await waiting;
  for (let i = 0; i < 3 && !waited.events.some((e) => e.type === "message_created"); i++) {
    assert.ok(waited.events.every((e) => e.type === "presence"));
    waited = await waitFrom(waited.response.headers.get("x-last-event-id")!);
  }
  const next = waited.events.filter((e) => e.type !== "presence");

  assert.deepEqual(
    polled.map((e: { id: number; type: string; data: unknown }) => [String(e.id), e.type, JSON.stringify(e.data)]),
    streamed,
  );
  assert.equal(next.length, 1);
  assert.equal(next[0].data.message.content, "after the wait began");
  assert.equal(waited.response.headers.get("x-last-event-id"), String(next[0].id));
  await stream.close();
  await server.close();
});

Deno.test("the long-poll answers an empty list when nothing happens before its timeout", async () => {
  const { server, bob } = await setUp();

  const res = await fetch(`${server.url}/api/chat/events/poll?timeout=0`, { headers: bob.auth });

  assert.equal(res.status, 200);
  // the poll is API activity, so bob's own presence may come online meanwhile; nothing else may
  const events: { type: string }[] = await res.json();
  assert.deepEqual(events.filter((e) => e.type !== "presence"), []);
  assert.equal(res.headers.get("x-last-event-id"), String(server.deps.realtime.hub.cursor));
  await server.close();
});
