import assert from "node:assert/strict";
import { type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import { botScope, ensureBotUser } from "../../chat/bots/accounts.ts";
import { postBotMessage, updateBotMessage } from "../../chat/bots/messages.ts";
import type { AppDeps } from "../../server/env.ts";

const AI = { AI_BASE_URL: "http://127.0.0.1:9" };

Deno.test("bot accounts: created once per workspace, never over a person's username, always online", async () => {
  const server = await startServer({}, AI);
  const { admin, users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const { admin: other } = await seedTenant(server.deps, "other");
  const scope = scopeOf(server.deps, admin);

  const first = await ensureBotUser(scope, { username: "helper", name: "Helper" });
  const again = await ensureBotUser(scope, { username: "helper", name: "Helper v2" });
  const elsewhere = await ensureBotUser(scopeOf(server.deps, other), { username: "helper", name: "Helper" });
  const taken = await ensureBotUser(scope, { username: "bob", name: "Bob bot" }).catch((e) => e);

  assert.equal(first.isBot, true);
  assert.equal(again.id, first.id);
  assert.equal(again.name, "Helper v2");
  assert.notEqual(elsewhere.id, first.id);
  assert.equal(taken.status, 409);
  const people = await api(server.url, bob, "GET", "/conversations/presence/");
  const helper = people.body.find((p: { id: string }) => p.id === first.id);
  assert.deepEqual([helper?.is_bot, helper?.is_online], [true, true]);
  assert.equal(people.body.find((p: { id: string }) => p.id === admin.user.id)?.is_bot, false);
  // a bot has no password: it cannot sign in
  const login = await fetch(`${server.url}/api/auth/login/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "helper@bots.invalid", password: "correct horse battery staple", workspace: "acme" }),
  });
  assert.equal(login.status, 401);
  await login.body?.cancel();
  await server.close();
});

Deno.test("assistant conversations: any member or guest opens one for themselves; 409 without AI_BASE_URL", async () => {
  const off = await startServer();
  const on = await startServer({}, AI);
  const { users: { bob } } = await seedTenant(off.deps, "acme", { bob: "member" });
  const { users: { gus, mia } } = await seedTenant(on.deps, "acme", { gus: "guest", mia: "member" });

  const refused = await api(off.url, bob, "POST", "/conversations/", { kind: "assistant" });
  const guests = await api(on.url, gus, "POST", "/conversations/", { kind: "assistant" });
  const titled = await api(on.url, mia, "POST", "/conversations/", { kind: "assistant", title: "Research" });
  const untitledGroup = await api(on.url, mia, "POST", "/conversations/", { kind: "group" });
  const unknownKind = await api(on.url, mia, "POST", "/conversations/", { kind: "robot" });

  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, "assistant_disabled");
  assert.equal((await api(off.url, bob, "GET", "/conversations/")).body.length, 0);
  assert.equal(guests.status, 201);
  assert.equal(guests.body.kind, "assistant");
  assert.equal(guests.body.title, "Assistant");
  const bot = guests.body.participants.find((p: { id: string }) => p.id !== gus.user.id);
  assert.deepEqual([bot.is_bot, bot.is_online, bot.name], [true, true, "Assistant"]);
  assert.equal(guests.body.participants.find((p: { id: string }) => p.id === gus.user.id).is_bot, false);
  assert.equal(titled.status, 201);
  assert.equal(titled.body.title, "Research");
  // the same bot serves the whole workspace
  assert.equal(titled.body.participants.find((p: { id: string }) => p.id !== mia.user.id).id, bot.id);
  // neither sees the other's assistant conversation
  assert.equal((await api(on.url, mia, "GET", `/conversations/${guests.body.id}/`)).status, 404);
  assert.equal(untitledGroup.status, 400);
  assert.equal(unknownKind.status, 400);
  await off.close();
  await on.close();
});

Deno.test("postBotMessage goes through the normal path: kind bot with its status, on JSON and HTML streams", async () => {
  const server = await startServer({}, AI);
  const { users: { mia } } = await seedTenant(server.deps, "acme", { mia: "member" });
  const { admin: outsider } = await seedTenant(server.deps, "other");
  const conversation = (await api(server.url, mia, "POST", "/conversations/", { kind: "assistant" })).body;
  const botId = conversation.participants.find((p: { is_bot: boolean }) => p.is_bot).id;
  const bot = botScope(scopeOf(server.deps, mia), { id: botId, isBot: true });
  const json = await SseReader.open(`${server.url}/api/chat/events`, mia.auth);
  const html = await SseReader.open(`${server.url}/ui/events`, mia.auth);
  const foreign = await SseReader.open(`${server.url}/api/chat/events`, outsider.auth);
  await Promise.all([json, html, foreign].map((s) => s.count("connected", 1)));

  const posted = await postBotMessage(bot, conversation.id, "", { status: "streaming" });
  const done = await updateBotMessage(bot, posted.id, { content: "Hello **there**", status: "complete" });
  const reply = await postBotMessage(bot, conversation.id, "Thread answer", { parentId: posted.id });

  assert.deepEqual([posted.kind, posted.status, posted.content, posted.sender_id], ["bot", "streaming", "", botId]);
  assert.deepEqual([done.status, done.content, done.edited_at], ["complete", "Hello **there**", null]);
  assert.deepEqual([reply.status, reply.parent_id], ["complete", posted.id]);
  await json.count("message_created", 2);
  await json.count("message_updated", 1);
  const updated = JSON.parse(json.of("message_updated")[0].data).message;
  assert.deepEqual([updated.id, updated.status, updated.content], [posted.id, "complete", "Hello **there**"]);
  await html.until((m) => m.some((x) => x.data.includes(`message-${posted.id}`) && x.data.includes("bot-complete")));
  const frame = html.messages.find((x) => x.data.includes(`message-${posted.id}`))!.data;
  assert.match(frame, /kind-bot/);
  assert.match(frame, /bot-badge/);
  assert.doesNotMatch(frame, /class="tick"/);
  const page = await api(server.url, mia, "GET", `/conversations/${conversation.id}/messages/`);
  assert.deepEqual(page.body.map((m: { status: string }) => m.status), ["complete", "complete"]);
  // the bot cannot post where it is not a participant, nor into another workspace
  const group = await api(server.url, mia, "POST", "/conversations/", { kind: "group", title: "Team" });
  assert.equal((await postBotMessage(bot, group.body.id, "hi").catch((e) => e)).status, 404);
  const otherBot = botScope(scopeOf(server.deps, outsider), { id: botId, isBot: true });
  assert.equal((await postBotMessage(otherBot, conversation.id, "hi").catch((e) => e)).status, 404);
  assert.equal(foreign.of("message_created").length + foreign.of("message_updated").length, 0);
  await Promise.all([json, html, foreign].map((s) => s.close()));
  await server.close();
});

function scopeOf(deps: AppDeps, who: SeededUser) {
  const { user } = who;
  return scopeFor({ db: deps.database.db, bus: deps.bus }, {
    tenantId: user.tenantId,
    userId: user.id,
    role: user.role,
  });
}

async function api(base: string, who: SeededUser, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/chat${path}`, {
    method,
    headers: { ...who.auth, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("the app offers 'Ask the assistant' only where the assistant is available", async () => {
  const off = await startServer();
  const on = await startServer({}, AI);
  const page = async (server: typeof on, who: SeededUser) => {
    const res = await fetch(`${server.url}/`, { headers: { cookie: `parley_session=${who.token}` } });
    assert.equal(res.status, 200);
    return await res.text();
  };
  const offAcme = await seedTenant(off.deps, "acme");
  const onAcme = await seedTenant(on.deps, "acme");
  const onQuiet = await seedTenant(on.deps, "quiet");
  const turnedOff = await fetch(`${on.url}/api/admin/settings`, {
    method: "PUT",
    headers: { ...onQuiet.admin.auth, "content-type": "application/json" },
    body: JSON.stringify({ assistant: { enabled: false } }),
  });
  assert.equal(turnedOff.status, 200);
  await turnedOff.body?.cancel();

  assert.doesNotMatch(await page(off, offAcme.admin), /ask-assistant/);
  assert.match(await page(on, onAcme.admin), /class="link-button ask-assistant" hx-post="\/ui\/assistant"/);
  assert.doesNotMatch(await page(on, onQuiet.admin), /ask-assistant/);
  const refused = await api(on.url, onQuiet.admin, "POST", "/conversations/", { kind: "assistant" });
  assert.equal(refused.body.error.code, "assistant_disabled");
  await off.close();
  await on.close();
});
