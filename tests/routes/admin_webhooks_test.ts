import assert from "node:assert/strict";
import { liveWorld } from "./live_world.ts";
import { startReceiver } from "./webhook_receiver.ts";

Deno.test("POST /api/admin/webhooks answers the secret once; GET lists without it; DELETE removes; both audited", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();

  const created = await w.call(w.admin, "POST", "/api/admin/webhooks", {
    url: receiver.url,
    events: ["message.created", "mention.created"],
  });
  const listed = await w.call(w.admin, "GET", "/api/admin/webhooks");
  const removed = await w.call(w.admin, "DELETE", `/api/admin/webhooks/${created.body.id}`);
  const again = await w.call(w.admin, "DELETE", `/api/admin/webhooks/${created.body.id}`);
  const after = await w.call(w.admin, "GET", "/api/admin/webhooks");
  const audit = await w.call(w.admin, "GET", "/api/admin/audit/?limit=200");

  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(Object.keys(created.body).sort(), ["created_at", "events", "id", "secret", "url"]);
  assert.match(created.body.secret, /^whsec_[0-9a-f]{64}$/);
  assert.deepEqual(created.body.events, ["message.created", "mention.created"]);
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body, [{
    id: created.body.id,
    url: receiver.url,
    events: ["message.created", "mention.created"],
    created_at: created.body.created_at,
  }]);
  assert.equal(removed.status, 204);
  assert.equal(again.status, 404);
  assert.deepEqual(after.body, []);
  const entries = audit.body.filter((e: { action: string }) => e.action.startsWith("webhook."));
  assert.deepEqual(entries.map((e: { action: string }) => e.action).sort(), ["webhook.created", "webhook.deleted"]);
  assert.ok(!JSON.stringify(audit.body).includes(created.body.secret), "the secret is never audited");
  await receiver.close();
  await w.close();
});

Deno.test("POST /api/admin/webhooks refuses bad input with a 400 and adds nothing", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const bodies = [
    { url: "ftp://example.com/hook", events: ["message.created"] },
    { url: "javascript:alert(1)", events: ["message.created"] },
    { url: "not a url", events: ["message.created"] },
    { url: "https://user:pw@example.com/hook", events: ["message.created"] },
    { url: "https://example.com/hook", events: [] },
    { url: "https://example.com/hook", events: ["message.exploded"] },
    { url: "https://example.com/hook", events: ["message.created", "message.created"] },
    { url: "https://example.com/hook", events: ["message.created"], secret: "mine" },
    { events: ["message.created"] },
  ];

  const answers = [];
  for (const body of bodies) answers.push(await w.call(w.admin, "POST", "/api/admin/webhooks", body));
  const listed = await w.call(w.admin, "GET", "/api/admin/webhooks");

  for (const [i, res] of answers.entries()) {
    assert.equal(res.status, 400, `${JSON.stringify(bodies[i])} → ${res.status}`);
    assert.ok(res.body.error.code && res.body.error.message, JSON.stringify(res.body));
  }
  assert.deepEqual(listed.body, []);
  await w.close();
});

Deno.test("without WEBHOOKS_ALLOW_PRIVATE, webhook URLs on loopback, private and link-local addresses are refused", async () => {
  const w = await liveWorld();
  const receiver = startReceiver();
  const urls = [
    receiver.url,
    "http://127.0.0.1/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    `http://localhost:${receiver.port}/hook`,
  ];

  const answers = [];
  for (const url of urls) {
    answers.push(await w.call(w.admin, "POST", "/api/admin/webhooks", { url, events: ["message.created"] }));
  }
  const listed = await w.call(w.admin, "GET", "/api/admin/webhooks");

  for (const [i, res] of answers.entries()) {
    assert.equal(res.status, 400, `${urls[i]} → ${res.status} ${JSON.stringify(res.body)}`);
    assert.match(res.body.error.message, /private|resolve/, urls[i]);
  }
  assert.deepEqual(listed.body, []);
  assert.equal(receiver.received.length, 0);
  await receiver.close();
  await w.close();
});

Deno.test("another workspace's admin gets 404 on this workspace's webhooks, a member and a guest 403", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = startReceiver();
  const created = await w.call(w.admin, "POST", "/api/admin/webhooks", {
    url: receiver.url,
    events: ["message.created"],
  });
  const id = created.body.id;
  assert.equal(created.status, 201);

  const outsiderList = await w.call(w.outsider, "GET", "/api/admin/webhooks");
  const outsiderDeliveries = await w.call(w.outsider, "GET", `/api/admin/webhooks/${id}/deliveries`);
  const outsiderDelete = await w.call(w.outsider, "DELETE", `/api/admin/webhooks/${id}`);
  const member = [
    await w.call(w.bob, "GET", "/api/admin/webhooks"),
    await w.call(w.bob, "POST", "/api/admin/webhooks", { url: receiver.url, events: ["message.created"] }),
    await w.call(w.bob, "GET", `/api/admin/webhooks/${id}/deliveries`),
    await w.call(w.bob, "DELETE", `/api/admin/webhooks/${id}`),
    await w.call(w.dan, "GET", "/api/admin/webhooks"),
  ];
  const ownList = await w.call(w.admin, "GET", "/api/admin/webhooks");

  assert.equal(outsiderList.status, 200);
  assert.deepEqual(outsiderList.body, []);
  assert.equal(outsiderDeliveries.status, 404);
  assert.equal(outsiderDelete.status, 404);
  assert.deepEqual(member.map((r) => r.status), [403, 403, 403, 403, 403]);
  assert.deepEqual(ownList.body.map((h: { id: string }) => h.id), [id], "nothing was deleted or added");
  await receiver.close();
  await w.close();
});
