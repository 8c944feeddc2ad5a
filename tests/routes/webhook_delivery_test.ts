import assert from "node:assert/strict";
import { group, type LiveWorld, liveWorld, post } from "./live_world.ts";
import { type Received, startReceiver, verifySignature } from "./webhook_receiver.ts";
import { RETRY_DELAYS_MS, WebhookDispatcher } from "../../chat/webhooks/dispatcher.ts";
import { WEBHOOK_EVENT_TYPES } from "../../chat/webhooks/payloads.ts";
import { parleySignature } from "../../chat/outbound/signing.ts";

/** A dispatcher on the test server's database, driven by hand, on a clock the test moves. */
function dispatcher(w: LiveWorld, allowPrivate = true) {
  const clock = { now: Date.now() };
  const d = new WebhookDispatcher({ db: w.deps.database.db, now: () => clock.now, allowPrivate });
  return { clock, run: () => d.runOnce() };
}

async function addWebhook(w: LiveWorld, url: string, events: readonly string[] = WEBHOOK_EVENT_TYPES) {
  const res = await w.call(w.admin, "POST", "/api/admin/webhooks", { url, events });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

async function deliveries(w: LiveWorld, id: string) {
  const res = await w.call(w.admin, "GET", `/api/admin/webhooks/${id}/deliveries`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const types = (received: Received[]) => received.map((r) => r.body.type);

Deno.test("parleySignature is t=UNIX_SECONDS,v1=HMAC-SHA256 hex keyed with the secret's UTF-8 bytes over t.body", async () => {
  // the expected value computed independently (Python's hmac module)
  const header = await parleySignature("whsec_été", '{"id":"evt_1"}', 1796400000_999);

  assert.equal(header, "t=1796400000,v1=fbd6f14d887c89ac7dd02de155698fbcfc347248d1ed72531097d522c32e907f");
});

Deno.test("deliveries are signed with the webhook's secret, carry {id, type, created_at, workspace, data}, and cover every event type", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();
  const hook = await addWebhook(w, receiver.url);
  const { run } = dispatcher(w);

  const team = await group(w, w.bob, [w.carol]);
  await w.call(w.bob, "POST", `/conversations/${team}/participants/`, { user_ids: [w.erin.user.id] });
  const m = await post(w, w.bob, team, "secret plans for @carol and @erin");
  // queued before the deletion (which scrubs the text from the log and from what is not yet queued)
  await run();
  await w.call(w.bob, "PATCH", `/messages/${m.id}/`, { content: "secret plans, edited" });
  await w.call(w.bob, "DELETE", `/messages/${m.id}/`);
  await w.call(w.bob, "DELETE", `/conversations/${team}/participants/${w.erin.user.id}/`);
  await group(w, w.outsider, [w.zed], "Elsewhere");
  await run();

  const got = receiver.received;
  for (const t of WEBHOOK_EVENT_TYPES) assert.ok(types(got).includes(t), `${t} was delivered (got ${types(got)})`);
  assert.ok(types(got).indexOf("conversation.created") < types(got).indexOf("message.updated"));
  assert.ok(types(got).indexOf("message.updated") < types(got).indexOf("message.deleted"));
  for (const r of got) {
    assert.equal(r.eventId, r.body.id);
    assert.deepEqual(Object.keys(r.body).sort(), ["created_at", "data", "id", "type", "workspace"]);
    assert.equal(r.body.workspace.slug, "acme", "another workspace's events never reach this webhook");
    assert.ok(await verifySignature(hook.secret, r.signature!, r.raw), `${r.body.type} signature verifies`);
    assert.equal(await verifySignature(hook.secret, r.signature!, r.raw.replace("acme", "acmf")), false);
    assert.equal(await verifySignature("whsec_other", r.signature!, r.raw), false);
  }
  const t = Number(got[0].signature!.match(/^t=(\d+),v1=[0-9a-f]{64}$/)![1]);
  assert.ok(Math.abs(t - Date.now() / 1000) < 60);
  assert.equal(new Set(got.map((r) => r.body.id)).size, got.length, "event ids are unique");
  const mentions = got.filter((r) => r.body.type === "mention.created").map((r) => r.body.data);
  assert.deepEqual(mentions.map((d) => d.user.username), ["carol", "erin"]);
  assert.deepEqual(mentions.map((d) => [d.message_id, d.conversation_id, d.by.user_id]), [
    [m.id, team, w.bob.user.id],
    [m.id, team, w.bob.user.id],
  ]);
  const deleted = got.find((r) => r.body.type === "message.deleted")!;
  assert.deepEqual(deleted.body.data, { conversation_id: team, message_id: m.id });
  assert.ok(!deleted.raw.includes("secret plans"), "a deleted message's webhook carries no content");
  const created = got.find((r) => r.body.data.message?.id === m.id)!;
  assert.equal(created.body.data.message.content, "secret plans for @carol and @erin");
  const log = await deliveries(w, hook.id);
  assert.equal(log.length, got.length);
  assert.deepEqual(log.map((d: { event_id: string }) => d.event_id), got.map((r) => r.body.id).reverse());
  for (const d of log) {
    assert.equal(d.state, "delivered");
    assert.equal(d.attempts, 1);
    assert.equal(d.last_status, 200);
    assert.equal(d.last_error, null);
    assert.ok(d.delivered_at && d.last_attempt_at && d.created_at);
  }
  await receiver.close();
  await w.close();
});

Deno.test("a webhook gets only the event types it asked for, and only events after it was added", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "before the webhook");
  const { run } = dispatcher(w);
  await run();
  await addWebhook(w, receiver.url, ["message.deleted"]);

  const m = await post(w, w.bob, team, "after");
  await w.call(w.bob, "DELETE", `/messages/${m.id}/`);
  await run();

  assert.deepEqual(types(receiver.received), ["message.deleted"]);
  await receiver.close();
  await w.close();
});

Deno.test("a failing receiver is retried after 10 s, 1 min, 10 min, 1 h and 6 h, then the delivery is marked failed", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver(() => 500);
  const hook = await addWebhook(w, receiver.url, ["message.created"]);
  const { clock, run } = dispatcher(w);
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "hello");

  await run();
  const attempts = [receiver.received.length];
  for (const delay of RETRY_DELAYS_MS) {
    clock.now += delay - 1;
    await run();
    attempts.push(receiver.received.length);
    clock.now += 1;
    await run();
    attempts.push(receiver.received.length);
  }
  clock.now += 30 * 24 * 3_600_000;
  await run();
  const [entry] = await deliveries(w, hook.id);

  assert.deepEqual(RETRY_DELAYS_MS, [10_000, 60_000, 600_000, 3_600_000, 21_600_000]);
  assert.deepEqual(attempts, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
  assert.equal(receiver.received.length, 6, "no attempt after the last retry");
  assert.equal(new Set(receiver.received.map((r) => r.raw)).size, 1, "every retry sends the same body");
  assert.equal(entry.state, "failed");
  assert.equal(entry.attempts, 6);
  assert.equal(entry.last_status, 500);
  assert.equal(entry.last_error, "HTTP 500");
  assert.equal(entry.next_attempt_at, null);
  await receiver.close();
  await w.close();
});

Deno.test("a webhook's events go out in order: later ones wait while an earlier one is retried; other webhooks do not wait", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const flaky = startReceiver((_r, i) => i < 2 ? 503 : 200);
  const healthy = startReceiver();
  const flakyHook = await addWebhook(w, flaky.url, ["message.created"]);
  await addWebhook(w, healthy.url, ["message.created"]);
  const { clock, run } = dispatcher(w);
  const team = await group(w, w.bob, [w.carol]);
  const sent = [];
  for (let i = 1; i <= 5; i++) sent.push((await post(w, w.bob, team, `m${i}`)).id);

  await run();
  const afterFirst = flaky.received.length;
  const pending = (await deliveries(w, flakyHook.id)).map((d: { state: string }) => d.state);
  clock.now += 10_000;
  await run();
  clock.now += 60_000;
  await run();

  const ids = (r: { received: Received[] }) => r.received.map((x) => x.body.data.message.id);
  assert.equal(afterFirst, 1, "nothing after the failed first event is sent");
  assert.deepEqual(pending, ["pending", "pending", "pending", "pending", "pending"]);
  assert.deepEqual(ids(healthy), sent);
  assert.deepEqual(ids(flaky), [sent[0], sent[0], ...sent]);
  await flaky.close();
  await healthy.close();
  await w.close();
});

Deno.test("at delivery time, loopback addresses and names that resolve to them are refused unless WEBHOOKS_ALLOW_PRIVATE", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();
  const byAddress = await addWebhook(w, receiver.url, ["message.created"]);
  const byName = await addWebhook(w, `http://localhost:${receiver.port}/hook`, ["message.created"]);
  const strict = dispatcher(w, false);
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "hello");

  await strict.run();
  const [a] = await deliveries(w, byAddress.id);
  const [b] = await deliveries(w, byName.id);

  assert.equal(receiver.received.length, 0);
  for (const entry of [a, b]) {
    assert.equal(entry.state, "pending");
    assert.equal(entry.attempts, 1);
    assert.equal(entry.last_status, null);
    assert.match(entry.last_error, /private/);
  }
  await receiver.close();
  await w.close();
});

Deno.test("@all by a conversation owner is one mention.created per other participant; a repeated name is one", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();
  await addWebhook(w, receiver.url, ["mention.created"]);
  const { run } = dispatcher(w);
  const team = await group(w, w.bob, [w.carol, w.erin]);

  const m = await post(w, w.bob, team, "@all standup, @carol too");
  await run();

  const got = receiver.received.map((r) => r.body.data);
  assert.equal(m.mentions_all, true);
  assert.deepEqual(got.map((d) => d.user.username).sort(), ["carol", "erin"]);
  assert.ok(got.every((d) => d.message_id === m.id && d.by.user_id === w.bob.user.id));
  await receiver.close();
  await w.close();
});

Deno.test("the deliveries log holds the last 100 events, newest first; older finished ones are pruned", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true", RATE_LIMIT_MESSAGES_PER_MIN: "1000" });
  const receiver = startReceiver();
  const hook = await addWebhook(w, receiver.url, ["message.created"]);
  const { run } = dispatcher(w);
  const team = await group(w, w.bob, [w.carol]);
  const sent = [];
  for (let i = 0; i < 105; i++) sent.push((await post(w, w.bob, team, `m${i}`)).id);

  // a queue sends up to 50 deliveries per round before others get a turn
  for (let i = 0; i < 3; i++) await run();
  const log = await deliveries(w, hook.id);
  const stored = await w.deps.database.db.$client.execute("SELECT count(*) AS n FROM webhook_deliveries");

  assert.equal(receiver.received.length, 105);
  assert.equal(log.length, 100);
  assert.deepEqual(
    log.map((d: { event_id: string }) => d.event_id),
    receiver.received.slice(5).map((r) => r.body.id).reverse(),
  );
  assert.equal(Number(stored.rows[0].n), 100);
  await receiver.close();
  await w.close();
});

Deno.test("a receiver that does not answer within 5 s has failed that attempt, and is retried", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver(async (_r, i) => {
    if (i === 0) await new Promise((r) => setTimeout(r, 5_500));
    return 200;
  });
  const hook = await addWebhook(w, receiver.url, ["message.created"]);
  const { clock, run } = dispatcher(w);
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "hello");

  await run();
  const [late] = await deliveries(w, hook.id);
  clock.now += 10_000;
  await run();
  const [retried] = await deliveries(w, hook.id);

  assert.equal(late.state, "pending");
  assert.equal(late.last_status, null);
  assert.match(late.last_error, /within 5000 ms/);
  assert.equal(retried.state, "delivered");
  assert.equal(retried.attempts, 2);
  assert.equal(receiver.received.length, 2);
  await receiver.close();
  await w.close();
});
