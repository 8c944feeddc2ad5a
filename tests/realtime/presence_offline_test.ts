import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";

const GRACE_MS = 10_000;

/** Real time moved forward on demand: presence reads it on each tick. */
function skippingClock() {
  let skipped = 0;
  return { now: () => Date.now() + skipped, skip: (ms: number) => skipped += ms };
}

function presenceOf(reader: SseReader, userId: string): boolean[] {
  return reader.of("presence").map((m) => JSON.parse(m.data)).filter((d) => d.user_id === userId).map((d) =>
    d.is_online
  );
}

async function world() {
  const clock = skippingClock();
  const server = await startServer({ presenceGraceMs: GRACE_MS, now: clock.now });
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const watcher = await SseReader.open(`${server.url}/api/chat/events`, acme.admin.auth);
  await watcher.count("connected", 1);
  const bob = acme.users.bob;
  // a visit: the page's requests are activity, then it streams
  const me = await fetch(`${server.url}/api/me`, { headers: bob.auth });
  await me.body?.cancel();
  const tab = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  await tab.count("connected", 1);
  await watcher.until(() => presenceOf(watcher, bob.user.id).length === 1, 5000, "bob online");
  return { server, clock, watcher, bob, tab };
}

Deno.test("a closed tab is offline once the grace period is over, whatever the page did before", async () => {
  const { server, clock, watcher, bob, tab } = await world();

  await tab.close();
  await new Promise((r) => setTimeout(r, 300));
  const duringGrace = presenceOf(watcher, bob.user.id);
  clock.skip(GRACE_MS + 1_000);
  await watcher.until(() => presenceOf(watcher, bob.user.id).length === 2, 5000, "bob offline");

  assert.deepEqual(duringGrace, [true], "a reload within the grace period does not flap");
  assert.deepEqual(presenceOf(watcher, bob.user.id), [true, false]);
  assert.equal(server.deps.presence.isOnline(bob.user.tenantId, bob.user.id), false);
  await watcher.close();
  await server.close();
});

Deno.test("signing out is offline at once, with no grace period; another session's stream keeps them online", async () => {
  const { server, watcher, bob, tab } = await world();
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workspace: "acme", email: "bob@acme.test", password: bob.password }),
  });
  const { token } = await login.json();
  const phone = await SseReader.open(`${server.url}/api/chat/events`, { authorization: `Bearer ${token}` });
  await phone.count("connected", 1);

  const out = await fetch(`${server.url}/api/auth/logout`, { method: "POST", headers: bob.auth });
  await out.body?.cancel();
  await tab.end();
  await new Promise((r) => setTimeout(r, 300));
  const whilePhoneStreams = presenceOf(watcher, bob.user.id);
  const phoneOut = await fetch(`${server.url}/api/auth/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  await phoneOut.body?.cancel();
  await watcher.until(() => presenceOf(watcher, bob.user.id).length === 2, 5000, "bob offline without the grace");

  assert.equal(out.status, 200);
  assert.deepEqual(whilePhoneStreams, [true]);
  assert.deepEqual(presenceOf(watcher, bob.user.id), [true, false]);
  await Promise.all([watcher.close(), phone.close()]);
  await server.close();
});
