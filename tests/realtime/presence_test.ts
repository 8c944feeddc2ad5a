import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { seedTenant } from "../helpers.ts";
import { users } from "../../db/schema/mod.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup } from "./fixtures.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function presenceOf(reader: SseReader, userId: string): boolean[] {
  return reader.of("presence").map((m) => JSON.parse(m.data)).filter((d) => d.user_id === userId).map((d) =>
    d.is_online
  );
}

Deno.test("two tabs and a reload inside the grace period count as one stay online, then one offline", async () => {
  const server = await startServer({ presenceGraceMs: 400 });
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const { admin, users: { bob } } = acme;
  const watcher = await SseReader.open(`${server.url}/api/chat/events`, admin.auth);
  await watcher.count("connected", 1);
  const tab = () => SseReader.open(`${server.url}/api/chat/events`, bob.auth);

  const tab1 = await tab();
  const tab2 = await tab();
  await watcher.until((m) => presenceOf(watcherOf(m), bob.user.id).length >= 1, 3000, "bob online");
  await tab1.close();
  await tab2.close();
  const reloaded = await tab();
  await reloaded.count("connected", 1);
  await sleep(700);
  const duringVisit = presenceOf(watcher, bob.user.id);
  const onlineMeanwhile = server.deps.presence.isOnline(bob.user.tenantId, bob.user.id);
  await reloaded.close();
  await watcher.until(() => presenceOf(watcher, bob.user.id).length >= 2, 3000, "bob offline");

  assert.deepEqual(duringVisit, [true]);
  assert.equal(onlineMeanwhile, true);
  assert.deepEqual(presenceOf(watcher, bob.user.id), [true, false]);
  assert.equal(server.deps.presence.isOnline(bob.user.tenantId, bob.user.id), false);
  await sleep(50);
  const [row] = await server.deps.database.db.select().from(users).where(eq(users.id, bob.user.id));
  assert.ok(row.lastSeenAt instanceof Date && Date.now() - row.lastSeenAt.getTime() < 5000);
  await watcher.close();
  await server.close();

  function watcherOf(_: unknown) {
    return watcher;
  }
});

Deno.test("presence reaches tenant members, and guests only for people they share a conversation with", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member", dan: "guest" });
  const other = await seedTenant(server.deps, "other");
  const { admin, users: { bob, carol, dan } } = acme;
  await createGroup(server.deps, bob.user, [dan.user]);
  const open = (who: typeof admin) => SseReader.open(`${server.url}/api/chat/events`, who.auth);
  const [sAdmin, sDan, sOther] = await Promise.all([open(admin), open(dan), open(other.admin)]);
  await Promise.all([sAdmin, sDan, sOther].map((s) => s.count("connected", 1)));
  await sleep(200);

  const sCarol = await open(carol);
  const sBob = await open(bob);
  await sAdmin.until(() => presenceOf(sAdmin, bob.user.id).length === 1, 3000, "bob online for admin");
  await sDan.until(() => presenceOf(sDan, bob.user.id).length === 1, 3000, "bob online for dan");
  // bob's presence came after carol's, in the same batch or a later one: carol's would be here by now
  await sOther.until(() => presenceOf(sOther, other.admin.user.id).length === 1, 3000, "other admin's own presence");
  await sleep(200);

  assert.deepEqual(presenceOf(sAdmin, carol.user.id), [true]);
  assert.deepEqual(presenceOf(sDan, bob.user.id), [true]);
  assert.deepEqual(presenceOf(sDan, carol.user.id), []);
  assert.deepEqual(presenceOf(sOther, bob.user.id), []);
  assert.deepEqual(presenceOf(sOther, carol.user.id), []);
  await Promise.all([sAdmin, sDan, sOther, sCarol, sBob].map((s) => s.close()));
  await server.close();
});

Deno.test("a mass reconnect is one presence_sync per stream, not one event per person", async () => {
  // ticks are driven by the test, so who changes in which tick is certain
  const server = await startServer({ presenceTickMs: 3_600_000, presenceBatchLimit: 2 });
  const tick = () => server.deps.realtime.presence.tick();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member", dan: "member", erin: "guest" });
  const other = await seedTenant(server.deps, "other");
  const { admin, users: { bob, carol, dan, erin } } = acme;
  await createGroup(server.deps, bob.user, [erin.user]);
  const open = (who: typeof admin) => SseReader.open(`${server.url}/api/chat/events`, who.auth);
  const [watcher, guest, outsider] = await Promise.all([open(admin), open(erin), open(other.admin)]);
  await Promise.all([watcher, guest, outsider].map((s) => s.count("connected", 1)));
  // two changes in acme, one in the other tenant: under the limit, announced one by one
  tick();
  await watcher.until(() => presenceOf(watcher, erin.user.id).length === 1, 3000, "erin online, listed");
  await outsider.until(() => presenceOf(outsider, other.admin.user.id).length === 1, 3000, "outsider's own presence");

  const crowd = await Promise.all([open(bob), open(carol), open(dan)]);
  await Promise.all(crowd.map((s) => s.count("connected", 1)));
  tick();
  await watcher.count("presence_sync", 1, 3000);
  await guest.count("presence_sync", 1, 3000);
  await sleep(300);

  for (const who of [bob, carol, dan]) assert.deepEqual(presenceOf(watcher, who.user.id), []);
  assert.deepEqual(presenceOf(guest, bob.user.id), []);
  assert.equal(watcher.of("presence_sync").length, 1);
  assert.deepEqual(JSON.parse(watcher.of("presence_sync")[0].data), {});
  assert.equal(outsider.of("presence_sync").length, 0);
  // what the client refetches has them online
  const people = await fetch(`${server.url}/api/chat/conversations/presence/`, { headers: admin.auth })
    .then((r) => r.json()) as { id: string; is_online: boolean }[];
  for (const who of [bob, carol, dan]) assert.equal(people.find((p) => p.id === who.user.id)?.is_online, true);
  await Promise.all([watcher, guest, outsider, ...crowd].map((s) => s.close()));
  await server.close();
});
