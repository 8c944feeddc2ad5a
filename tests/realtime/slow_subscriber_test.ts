import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, sendMessages } from "./fixtures.ts";

Deno.test("a subscriber that stops reading is disconnected without delaying the others", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const { admin, users: { bob, carol } } = acme;
  const team = await createGroup(server.deps, admin.user, [bob.user, carol.user]);
  const fast = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  const stalled = await fetch(`${server.url}/api/chat/events`, { headers: carol.auth });
  await fast.count("connected", 1);
  const big = "x".repeat(4000);

  let worst = 0;
  for (let batch = 1; batch <= 200; batch++) {
    const sent = Date.now();
    await sendMessages(server.deps, team, admin.user, Array.from({ length: 20 }, (_, i) => `${batch}-${i} ${big}`));
    await fast.count("message_created", batch * 20, 5000);
    worst = Math.max(worst, Date.now() - sent);
  }
  const deadline = Date.now() + 5000;
  while (server.deps.realtime.metrics.slowSubscribersDropped === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }

  assert.equal(server.deps.realtime.metrics.slowSubscribersDropped, 1);
  assert.equal(server.deps.realtime.metrics.openStreams, 1);
  assert.ok(worst < 1000, `a batch took ${worst} ms to reach the reading client`);
  await stalled.body?.cancel().catch(() => {});
  await fast.close();
  await server.close();
});
