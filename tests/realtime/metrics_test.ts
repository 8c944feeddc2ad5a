import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup } from "./fixtures.ts";

/** The samples of a Prometheus text exposition, by name with labels (`name{a="b"}`). */
async function scrape(url: string): Promise<{ contentType: string | null; samples: Map<string, number> }> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const value = Number(line.slice(at + 1));
    assert.ok(Number.isFinite(value), `not a number: ${line}`);
    samples.set(line.slice(0, at), value);
  }
  return { contentType: response.headers.get("content-type"), samples };
}

/** Checks a histogram's buckets are cumulative and end at its count; returns the count. */
function histogram(samples: Map<string, number>, name: string, labels = ""): number {
  const prefix = `${name}_bucket{${labels ? `${labels},` : ""}le="`;
  const buckets = [...samples.entries()].filter(([key]) => key.startsWith(prefix));
  assert.ok(buckets.length > 2, `no buckets for ${name}{${labels}}`);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], `${buckets[i][0]} decreases`);
  const suffix = labels ? `{${labels}}` : "";
  const count = samples.get(`${name}_count${suffix}`);
  assert.equal(buckets.at(-1)![0], `${prefix}+Inf"}`);
  assert.equal(buckets.at(-1)![1], count);
  assert.ok((samples.get(`${name}_sum${suffix}`) ?? -1) >= 0);
  return count!;
}

Deno.test("GET /metrics counts streams, events, fan-out latency, database time and event-loop stalls", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const room = await createGroup(server.deps, acme.admin.user, [acme.users.bob.user]);
  const before = (await scrape(server.url)).samples;
  assert.equal(before.get("parley_open_streams"), 0);

  const stream = await SseReader.open(`${server.url}/api/chat/events`, acme.users.bob.auth);
  await stream.count("connected", 1);
  const posts = ["one", "two", "three"];
  for (const content of posts) {
    const response = await fetch(`${server.url}/api/chat/conversations/${room}/messages/`, {
      method: "POST",
      headers: { ...acme.admin.auth, "content-type": "application/json" },
      body: JSON.stringify({ content }),
    });
    assert.equal(response.status, 201);
    await response.body?.cancel();
  }
  await stream.count("message_created", posts.length);

  const { contentType, samples } = await scrape(server.url);
  assert.match(contentType ?? "", /^text\/plain; version=0\.0\.4/);
  assert.equal(samples.get("parley_open_streams"), 1);
  const grew = (name: string) => samples.get(name)! - (before.get(name) ?? 0);
  assert.ok(grew("parley_events_published_total") >= posts.length);
  assert.ok(grew("parley_events_delivered_total") >= posts.length);
  assert.ok(histogram(samples, "parley_fanout_latency_seconds") >= posts.length);
  // the sends commit as batches; reads (sessions, memberships) are single statements;
  // creating the group ran an interactive transaction
  assert.ok(histogram(samples, "parley_db_seconds", 'op="batch"') >= posts.length);
  assert.ok(histogram(samples, "parley_db_seconds", 'op="statement"') > posts.length);
  assert.ok(histogram(samples, "parley_db_seconds", 'op="transaction"') >= 1);

  // the server runs in this process: a busy thread stalls it, and the lag histogram says so
  const lag = "parley_event_loop_lag_seconds";
  const late = (m: Map<string, number>) => m.get(`${lag}_count`)! - m.get(`${lag}_bucket{le="0.1"}`)!;
  const calm = late(samples);
  const until = performance.now() + 250;
  while (performance.now() < until) { /* a 250 ms stall */ }
  await new Promise((r) => setTimeout(r, 150));
  const stalled = (await scrape(server.url)).samples;
  assert.ok(histogram(stalled, lag) > 0);
  assert.ok(late(stalled) - calm >= 1, "no sample over 100 ms late");

  await stream.close();
  const deadline = Date.now() + 5000;
  while ((await scrape(server.url)).samples.get("parley_open_streams") !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await scrape(server.url)).samples.get("parley_open_streams"), 0);
  await server.close();
});
