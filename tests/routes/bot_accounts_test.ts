import assert from "node:assert/strict";
import { group, liveWorld, post } from "./live_world.ts";
import { botAnswersSettled } from "../../chat/integrations/after_send.ts";
import { SseReader } from "../realtime/sse_reader.ts";

interface Received {
  headers: Headers;
  body: string;
}

/** A webhook receiver on loopback: records each request and answers as `answer` says. */
function receiver(answer: (body: string) => Response | Promise<Response>) {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.text();
    received.push({ headers: req.headers, body });
    return await answer(body);
  });
  return { url: `http://127.0.0.1:${server.addr.port}/hook`, received, close: () => server.shutdown() };
}

async function botWorld() {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  const hook = receiver((body) => {
    const content = JSON.parse(body).message.content as string;
    return content.includes("json")
      ? Response.json({ content: `json reply to ${content}` })
      : new Response(`plain reply to ${content}`, { headers: { "content-type": "text/plain; charset=utf-8" } });
  });
  const created = await w.call(w.admin, "POST", "/api/admin/bots", {
    name: "Deploy Bot",
    username: "deploybot",
    webhook_url: hook.url,
  });
  const bot = { auth: { authorization: `Bearer ${created.body.token}` }, id: created.body.id as string };
  return { w, hook, created, bot };
}

Deno.test("POST /api/admin/bots answers the token and secret once and keeps only the token's hash", async () => {
  const { w, hook, created } = await botWorld();

  const list = await w.call(w.admin, "GET", "/api/admin/bots");
  const asMember = await w.call(w.bob, "POST", "/api/admin/bots", { name: "X", username: "xbot" });
  const memberList = await w.call(w.bob, "GET", "/api/admin/bots");
  const taken = await w.call(w.admin, "POST", "/api/admin/bots", { name: "Bob 2", username: "BOB" });
  const unknownKey = await w.call(w.admin, "POST", "/api/admin/bots", { name: "Y", username: "ybot", admin: true });
  const rows = await w.deps.database.client.execute("SELECT * FROM bot_accounts");
  const presence = await w.call(w.bob, "GET", "/conversations/presence/");

  assert.equal(created.status, 201);
  assert.equal(created.body.username, "deploybot");
  assert.match(created.body.token, /^pbt_/);
  assert.equal(typeof created.body.webhook_secret, "string");
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 1);
  assert.equal(list.body[0].id, created.body.id);
  assert.equal(list.body[0].webhook_url, hook.url);
  assert.ok(!JSON.stringify(list.body).includes(created.body.token), "the token is never shown again");
  assert.ok(!JSON.stringify(list.body).includes(created.body.webhook_secret), "nor the secret");
  assert.ok(!JSON.stringify(rows.rows).includes(created.body.token), "the database keeps no token");
  assert.equal(asMember.status, 403);
  assert.equal(memberList.status, 403);
  assert.equal(taken.status, 409);
  assert.equal(unknownKey.status, 400);
  assert.equal(presence.body.find((p: { id: string }) => p.id === created.body.id)?.is_bot, true);
  await hook.close();
  await w.close();
});

Deno.test("a private webhook address is refused without WEBHOOKS_ALLOW_PRIVATE", async () => {
  const w = await liveWorld();

  const res = await w.call(w.admin, "POST", "/api/admin/bots", {
    name: "Metadata",
    username: "metabot",
    webhook_url: "http://169.254.169.254/latest",
  });
  const list = await w.call(w.admin, "GET", "/api/admin/bots");

  assert.equal(res.status, 400);
  assert.deepEqual(list.body, [], "nothing was created");
  await w.close();
});

Deno.test("a bot token reaches only the conversations the bot was added to", async () => {
  const { w, hook, bot } = await botWorld();
  const withBot = await group(w, w.bob, [w.carol], "Deploys");
  await w.call(w.bob, "POST", `/conversations/${withBot}/participants/`, { user_ids: [bot.id] });
  const without = await group(w, w.bob, [w.carol], "Private");
  const outsiders = await group(w, w.outsider, [w.zed], "Other workspace");
  const as = (method: string, path: string, body?: unknown) =>
    fetch(`${w.url}/api/chat${path}`, {
      method,
      headers: { ...bot.auth, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));

  const list = await as("GET", "/conversations/");
  const read = await as("GET", `/conversations/${withBot}/messages/`);
  const send = await as("POST", `/conversations/${withBot}/messages/`, { content: "deployed v2" });
  const notIn = await as("GET", `/conversations/${without}/messages/`);
  const notInSend = await as("POST", `/conversations/${without}/messages/`, { content: "hi" });
  const otherTenant = await as("GET", `/conversations/${outsiders}/`);
  const create = await as("POST", "/conversations/", { kind: "group", title: "Mine" });
  const direct = await as("POST", "/conversations/start/", { participant_id: w.bob.user.id });
  const admin = await fetch(`${w.url}/api/admin/users`, { headers: bot.auth });
  const stream = await fetch(`${w.url}/api/chat/events`, { headers: bot.auth });
  await stream.body?.cancel();
  const forged = await fetch(`${w.url}/api/chat/conversations/`, {
    headers: { authorization: `Bearer ${bot.auth.authorization.slice(7, -4)}AAAA` },
  });
  await forged.body?.cancel();

  assert.deepEqual(list.body.map((c: { id: string }) => c.id), [withBot]);
  assert.equal(read.status, 200);
  assert.equal(send.status, 201);
  assert.equal(send.body.sender_id, bot.id);
  assert.equal(notIn.status, 404);
  assert.equal(notInSend.status, 404);
  assert.equal(otherTenant.status, 404);
  assert.equal(create.status, 403);
  assert.equal(direct.status, 403);
  assert.equal(admin.status, 403);
  await admin.body?.cancel();
  assert.equal(stream.status, 403);
  assert.equal(forged.status, 401);
  await hook.close();
  await w.close();
});

Deno.test("a mention or a direct message reaches the bot's webhook, signed; its answer is posted as its reply", async () => {
  const { w, hook, bot, created } = await botWorld();
  const room = await group(w, w.bob, [w.carol], "Deploys");
  await w.call(w.bob, "POST", `/conversations/${room}/participants/`, { user_ids: [bot.id] });
  const carolStream = await SseReader.open(`${w.url}/api/chat/events`, w.carol.auth);

  await post(w, w.bob, room, "no mention here");
  await botAnswersSettled(w.deps.database.db);
  const beforeMention = hook.received.length;
  const sentAt = Date.now();
  await post(w, w.bob, room, "@deploybot status please");
  await botAnswersSettled(w.deps.database.db);
  const direct = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: bot.id });
  await post(w, w.bob, direct.body.id, "json status");
  await botAnswersSettled(w.deps.database.db);
  const roomMessages = await w.call(w.carol, "GET", `/conversations/${room}/messages/`);
  const directMessages = await w.call(w.bob, "GET", `/conversations/${direct.body.id}/messages/`);
  await carolStream.until((m) => m.some((x) => x.data.includes("plain reply to")), 5000, "the reply, live");

  assert.equal(beforeMention, 0, "a message that does not mention the bot is not sent to it");
  assert.equal(hook.received.length, 2);
  const [first, second] = hook.received;
  const payload = JSON.parse(first.body);
  assert.equal(payload.event, "message.created");
  assert.equal(payload.message.content, "@deploybot status please");
  assert.equal(payload.bot.id, bot.id);
  assert.equal(first.headers.get("parley-event-id"), payload.event_id);
  const signature = first.headers.get("parley-signature")!;
  const [, t, v1] = signature.match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
  assert.equal(v1, await hmacHex(created.body.webhook_secret, `${t}.${first.body}`), "HMAC over t.raw_body");
  assert.ok(Math.abs(Number(t) - sentAt / 1000) < 60);
  assert.notEqual(v1, await hmacHex("another secret", `${t}.${first.body}`));
  assert.equal(JSON.parse(second.body).message.content, "json status");
  const reply = roomMessages.body.at(-1);
  assert.equal(reply.content, "plain reply to @deploybot status please");
  assert.equal(reply.sender_id, bot.id);
  assert.equal(reply.kind, "bot");
  assert.equal(directMessages.body.at(-1).content, "json reply to json status");
  await carolStream.close();
  await hook.close();
  await w.close();
});

Deno.test("a webhook that fails or does not answer within 5 s is logged on the bot for admins", async () => {
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const slow = receiver(async () => {
    await held;
    return new Response("too late", { headers: { "content-type": "text/plain" } });
  });
  const broken = receiver(() => new Response("secret upstream detail", { status: 500 }));
  const slowBot = await w.call(w.admin, "POST", "/api/admin/bots", {
    name: "Slow",
    username: "slowbot",
    webhook_url: slow.url,
  });
  const brokenBot = await w.call(w.admin, "POST", "/api/admin/bots", {
    name: "Broken",
    username: "brokenbot",
    webhook_url: broken.url,
  });
  const room = await group(w, w.bob, [w.carol], "Ops");
  await w.call(w.bob, "POST", `/conversations/${room}/participants/`, {
    user_ids: [slowBot.body.id, brokenBot.body.id],
  });

  const sent = await w.call(w.bob, "POST", `/conversations/${room}/messages/`, { content: "@slowbot @brokenbot hi" });
  await botAnswersSettled(w.deps.database.db);
  release();
  const bots = await w.call(w.admin, "GET", "/api/admin/bots");
  const messages = await w.call(w.bob, "GET", `/conversations/${room}/messages/`);

  assert.equal(sent.status, 201, "the sender's answer never waits for a webhook");
  const slowRow = bots.body.find((b: { username: string }) => b.username === "slowbot");
  const brokenRow = bots.body.find((b: { username: string }) => b.username === "brokenbot");
  assert.match(slowRow.last_error, /No answer within 5000 ms/);
  assert.ok(slowRow.last_error_at);
  assert.match(brokenRow.last_error, /HTTP 500/);
  assert.ok(!brokenRow.last_error.includes("secret upstream detail"), "upstream bodies stay out");
  assert.equal(messages.body.filter((m: { kind: string }) => m.kind === "bot").length, 0);
  await slow.close();
  await broken.close();
  await w.close();
});

Deno.test("DELETE /api/admin/bots/{id} revokes: the token stops working and the webhook is no longer called", async () => {
  const { w, hook, bot } = await botWorld();
  const room = await group(w, w.bob, [w.carol], "Deploys");
  await w.call(w.bob, "POST", `/conversations/${room}/participants/`, { user_ids: [bot.id] });
  const before = await fetch(`${w.url}/api/chat/conversations/`, { headers: bot.auth });
  await before.body?.cancel();

  const revoked = await w.call(w.admin, "DELETE", `/api/admin/bots/${bot.id}`);
  const again = await w.call(w.admin, "DELETE", `/api/admin/bots/${bot.id}`);
  const otherTenant = await w.call(w.outsider, "DELETE", `/api/admin/bots/${bot.id}`);
  const after = await fetch(`${w.url}/api/chat/conversations/`, { headers: bot.auth });
  await after.body?.cancel();
  await post(w, w.bob, room, "@deploybot still there?");
  await botAnswersSettled(w.deps.database.db);
  const list = await w.call(w.admin, "GET", "/api/admin/bots");

  assert.equal(before.status, 200);
  assert.equal(revoked.status, 200);
  assert.equal(again.status, 404);
  assert.equal(otherTenant.status, 404);
  assert.equal(after.status, 401);
  assert.equal(hook.received.length, 0);
  assert.ok(list.body[0].revoked_at);
  await hook.close();
  await w.close();
});

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}
