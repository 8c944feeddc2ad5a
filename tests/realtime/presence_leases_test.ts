import assert from "node:assert/strict";
import { MemoryBus } from "../../realtime/bus.ts";
import type { ChatEvent } from "../../chat/events.ts";
import { Presence } from "../../realtime/presence.ts";
import { openDatabase } from "../../db/client.ts";

/** Two instances on one bus and one clock; ticks and time are driven by the test. */
async function twoInstances() {
  const database = await openDatabase(":memory:");
  const bus = new MemoryBus();
  let clock = 1_000_000;
  const seen = { a: [] as string[], b: [] as string[] };
  const leases: string[] = [];
  const make = (name: "a" | "b") =>
    new Presence({
      db: database.db,
      bus,
      now: () => clock,
      deliver: (_tenant: string, events: ChatEvent[]) => {
        for (const e of events) {
          if (e.type !== "presence") throw new Error(`unexpected ${e.type}`);
          const data = e.data as { user_id: string; is_online: boolean };
          seen[name].push(`${data.user_id} ${data.is_online ? "online" : "offline"}`);
        }
      },
    });
  const a = make("a");
  const b = make("b");
  bus.subscribe((news) => {
    if (news.kind === "presence" && news.instanceId === a.instanceId) leases.push(`${news.userId} ${news.online}`);
    a.receive(news);
    b.receive(news);
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    a,
    b,
    seen,
    leases,
    /** Moves the clock on second by second, ticking the given instances after each step. */
    async advance(ms: number, ...instances: Presence[]) {
      const end = clock + ms;
      while (clock < end) {
        clock = Math.min(end, clock + 1_000);
        for (const p of instances) p.tick();
        await settle();
      }
    },
    async close() {
      await bus.close();
      database.client.close();
    },
  };
}

Deno.test("an open stream holds a user online on every instance through lease renewals; closing it goes offline after the grace period", async () => {
  const w = await twoInstances();
  w.a.streamOpened("t1", "ann");
  await w.advance(1_000, w.a, w.b);
  await w.advance(1_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["ann online"], b: ["ann online"] });

  // far past the 75 s lease and the 120 s activity window: the lease is renewed every 25 s
  await w.advance(200_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["ann online"], b: ["ann online"] });
  assert.ok(w.leases.length >= 8, `renewals: ${w.leases.length}`);
  assert.ok(w.leases.every((l) => l === "ann true"));
  assert.equal(w.b.isOnline("t1", "ann"), true);

  // a reload inside the grace period changes nothing
  w.a.streamClosed("t1", "ann");
  await w.advance(2_000, w.a, w.b);
  w.a.streamOpened("t1", "ann");
  await w.advance(10_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["ann online"], b: ["ann online"] });

  w.a.streamClosed("t1", "ann");
  await w.advance(4_000, w.a, w.b);
  assert.deepEqual(w.seen.a, ["ann online"], "still inside the grace period");
  await w.advance(2_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["ann online", "ann offline"], b: ["ann online", "ann offline"] });
  assert.equal(w.leases.at(-1), "ann false");
  assert.equal(w.b.isOnline("t1", "ann"), false);

  // and nothing more comes of it
  await w.advance(200_000, w.a, w.b);
  assert.deepEqual(w.seen.b, ["ann online", "ann offline"]);
  await w.close();
});

Deno.test("a user held by an instance that stops renewing goes offline elsewhere when the lease runs out", async () => {
  const w = await twoInstances();
  w.a.streamOpened("t1", "bob");
  // the other instance hears of it a tick later
  await w.advance(2_000, w.a, w.b);
  assert.deepEqual(w.seen.b, ["bob online"]);

  // instance a dies: no renewals, no goodbye
  await w.advance(70_000, w.b);
  assert.deepEqual(w.seen.b, ["bob online"]);
  await w.advance(10_000, w.b);
  assert.deepEqual(w.seen.b, ["bob online", "bob offline"]);
  await w.close();
});

Deno.test("API activity keeps a user online for 120 s after the last request, and each request extends it", async () => {
  const w = await twoInstances();
  w.b.touch("t1", "cy");
  await w.advance(2_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["cy online"], b: ["cy online"] });

  await w.advance(60_000, w.a, w.b);
  w.b.touch("t1", "cy");
  await w.advance(110_000, w.a, w.b);
  assert.deepEqual(w.seen.b, ["cy online"], "110 s after the second request");
  await w.advance(12_000, w.a, w.b);
  assert.deepEqual(w.seen, { a: ["cy online", "cy offline"], b: ["cy online", "cy offline"] });
  await w.close();
});
