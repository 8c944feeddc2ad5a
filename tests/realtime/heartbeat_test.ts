import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("every open stream gets one heartbeat comment per interval, the streams spread over it", async () => {
  const heartbeatMs = 1_000;
  const server = await startServer({ heartbeatMs });
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const people = [acme.admin, acme.users.bob, acme.users.carol];
  const streams = await Promise.all(
    [...people, ...people].map((who) => SseReader.open(`${server.url}/api/chat/events`, who.auth)),
  );
  await Promise.all(streams.map((s) => s.count("connected", 1)));

  // when each stream's heartbeats arrive, sampled every 10 ms for 5.5 intervals
  const arrivals = streams.map(() => [] as number[]);
  const started = performance.now();
  while (performance.now() - started < 5.5 * heartbeatMs) {
    await sleep(10);
    streams.forEach((s, i) => {
      const n = s.comments.filter((c) => c === "heartbeat").length;
      while (arrivals[i].length < n) arrivals[i].push(performance.now() - started);
    });
  }

  for (const [i, times] of arrivals.entries()) {
    // one per interval: four to six in 5.5 intervals (a busy machine delays one), never two within one
    assert.ok(times.length >= 4 && times.length <= 6, `stream ${i}: ${times.map(Math.round)}`);
    assert.ok(times[0] <= 1.5 * heartbeatMs, `stream ${i} waited ${Math.round(times[0])} ms for the first`);
    for (let k = 1; k < times.length; k++) {
      const gap = times[k] - times[k - 1];
      assert.ok(gap > 0.5 * heartbeatMs && gap < 1.5 * heartbeatMs, `stream ${i}: gap of ${Math.round(gap)} ms`);
    }
  }
  // six streams in twenty groups: they do not all get theirs at the same moment
  const firsts = arrivals.map((t) => Math.round(t[0] / 10));
  assert.ok(new Set(firsts).size > 1, `first heartbeats at ${firsts}`);

  await Promise.all(streams.map((s) => s.close()));
  await server.close();
});
