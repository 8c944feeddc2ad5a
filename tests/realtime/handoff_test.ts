import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { readEventsAfter, recordEvent } from "../../db/events.ts";
import type { BusNews } from "../../chat/bus.ts";
import type { ChatEvent } from "../../chat/events.ts";
import { BroadcastBus } from "../../realtime/bus.ts";
import type { TenantId } from "../../chat/tenancy.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, messageObject } from "./fixtures.ts";

function contents(reader: SseReader): string[] {
  return reader.of("message_created").map((m) => JSON.parse(m.data).message.content);
}

function ids(reader: SseReader): number[] {
  return reader.of("message_created").map((m) => Number(m.id));
}

async function post(url: string, room: string, auth: Record<string, string>, content: string) {
  const response = await fetch(`${url}/api/chat/conversations/${room}/messages/`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ content }),
  });
  assert.equal(response.status, 201);
  return await response.json();
}

/**
 * A server whose safety-net read of the log runs every `pollIntervalMs`, a group of the
 * admin and bob, and bob's open stream.
 */
async function setUp(pollIntervalMs: number) {
  const server = await startServer({ pollIntervalMs });
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const room = await createGroup(server.deps, acme.admin.user, [acme.users.bob.user]);
  const bob = await SseReader.open(`${server.url}/api/chat/events`, acme.users.bob.auth);
  await bob.count("connected", 1);
  return { server, acme, room, bob };
}

Deno.test("sends are handed to the streams as committed, in id order and once, around events committed elsewhere", async () => {
  // no safety-net read of the log: only the news of a commit moves the hub
  const { server, acme, room, bob } = await setUp(3_600_000);

  const first = await post(server.url, room, acme.admin.auth, "one");
  await bob.count("message_created", 1);
  const [frame] = bob.of("message_created");
  // the frame carries the message as stored and as the sender was answered
  assert.deepEqual(JSON.parse(frame.data), { conversation_id: room, message: first });

  // another instance commits an event whose news never arrives: the next local commit
  // does not follow the hub's cursor, so the hub reads the log instead of skipping it
  const scope = { tenantId: acme.tenant.id as TenantId, db: server.deps.database.db };
  await recordEvent(server.deps.database.db, scope, {
    type: "message_created",
    conversationId: room,
    data: { conversation_id: room, message: messageObject(room, acme.admin.user, "from elsewhere") },
  });
  await post(server.url, room, acme.admin.auth, "two");
  await bob.count("message_created", 3);
  assert.deepEqual(contents(bob), ["one", "from elsewhere", "two"]);

  // concurrent sends commit together; each is handed out once, in id order
  const many = Array.from({ length: 30 }, (_, i) => `c${i}`);
  await Promise.all(many.map((content) => post(server.url, room, acme.admin.auth, content)));
  await bob.count("message_created", 3 + many.length);
  await post(server.url, room, acme.admin.auth, "last");
  await bob.count("message_created", 4 + many.length);

  const seen = ids(bob);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual(new Set(contents(bob).slice(3, -1)), new Set(many));
  assert.equal(contents(bob).at(-1), "last");
  assert.equal(server.deps.realtime.hub.cursor, seen.at(-1));
  await bob.close();
  await server.close();
});

Deno.test("a hand-off that arrives after a read of the log, or twice, hands nothing out again", async () => {
  const { server, acme, room, bob } = await setUp(3_600_000);
  const scope = { tenantId: acme.tenant.id as TenantId, db: server.deps.database.db };
  const { id } = await recordEvent(server.deps.database.db, scope, {
    type: "message_created",
    conversationId: room,
    data: { conversation_id: room, message: messageObject(room, acme.admin.user, "once") },
  });
  const committed = await readEventsAfter<ChatEvent>(server.deps.database.db, id - 1, 1);
  // the read starts first and the hand-off waits its turn behind it
  const reading = server.deps.realtime.hub.drain();
  await server.deps.bus.publish({ kind: "events", lastEventId: id, committed });
  await reading;
  await bob.count("message_created", 1);
  await server.deps.bus.publish({ kind: "events", lastEventId: id, committed });
  await post(server.url, room, acme.admin.auth, "after");
  await bob.count("message_created", 2);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(contents(bob), ["once", "after"]);
  await bob.close();
  await server.close();
});

Deno.test("the events of a commit stay in its process: other instances hear only that there is news", async () => {
  const name = `parley-handoff-${crypto.randomUUID()}`;
  const here = new BroadcastBus(name);
  const there = new BroadcastBus(name);
  const heardHere: BusNews[] = [];
  const heardThere: BusNews[] = [];
  here.subscribe((news) => heardHere.push(news));
  there.subscribe((news) => heardThere.push(news));
  const event = {
    id: 7,
    tenantId: "t",
    type: "message_deleted" as const,
    data: { conversation_id: "c", message_id: "m" },
    conversationId: "c",
    userId: null,
    createdAt: Date.now(),
  };
  await here.publish({ kind: "events", lastEventId: 7, committed: [event] });
  const deadline = Date.now() + 2000;
  while (heardThere.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(heardHere, [{ kind: "events", lastEventId: 7, committed: [event] }]);
  assert.deepEqual(heardThere, [{ kind: "events", lastEventId: 7 }]);
  await here.close();
  await there.close();
});
