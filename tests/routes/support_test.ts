import assert from "node:assert/strict";
import { type LiveWorld, liveWorld, post } from "./live_world.ts";
import type { SeededUser } from "../helpers.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { botAnswersSettled } from "../../chat/integrations/after_send.ts";

const BOT = {
  enabled: true,
  name: "Helper",
  greeting: "Hi! I am the Helper bot.",
  business_hours: { timezone: "Europe/Madrid", days: { mon: ["09:00", "17:00"], tue: ["09:00", "17:00"] } },
  after_hours_message: "We are closed now; an agent will write back.",
  canned_replies: [{ keywords: ["price", "pricing"], reply: "Plans start at $10." }],
  forbidden_topics: [{ keywords: ["lawsuit"], reply: "We cannot discuss legal matters." }],
  handoff_keywords: ["human"],
  handoff_message: "Connecting you with a person.",
};
// Monday 2026-12-07 10:00 in Madrid (UTC+1)
const OPEN_HOURS = Date.parse("2026-12-07T09:00:00Z");

Deno.test("support: the bot greets, refuses, answers canned replies and hands off on request", async () => {
  const w = await world();

  const opened = await w.call(w.dan, "POST", "/conversations/", { kind: "support" });
  const again = await w.call(w.dan, "POST", "/conversations/", { kind: "support" });
  await say(w, w.dan, opened.body.id, "Will you join my LAWSUIT?");
  await say(w, w.dan, opened.body.id, "what's the Pricing");
  const queueBefore = await w.call(w.bob, "GET", "/support/queue/");
  await say(w, w.dan, opened.body.id, "I want a humán please");
  const queueAfter = await w.call(w.bob, "GET", "/support/queue/");
  const texts = await botTexts(w, w.dan, opened.body.id);

  assert.equal(opened.status, 201);
  assert.equal(opened.body.kind, "support");
  assert.equal(again.status, 200, "a requester has one open support conversation");
  assert.equal(again.body.id, opened.body.id);
  assert.deepEqual(texts, [
    "Hi! I am the Helper bot.",
    "We cannot discuss legal matters.",
    "Plans start at $10.",
    "Connecting you with a person.",
  ]);
  assert.deepEqual(queueBefore.body, [], "not queued while the bot answers");
  assert.equal(queueAfter.body.length, 1);
  assert.equal(queueAfter.body[0].id, opened.body.id);
  assert.deepEqual(queueAfter.body[0].requester, { id: w.dan.user.id, name: "Dan" });
  assert.equal(queueAfter.body[0].waiting_since, new Date(OPEN_HOURS).toISOString());
  await w.close();
});

Deno.test("support: nothing matched twice in a row hands off; after hours the bot sends the after-hours message", async () => {
  const w = await world();
  w.now = Date.parse("2026-12-07T18:30:00Z"); // 19:30 in Madrid: closed

  const opened = await w.call(w.dan, "POST", "/conversations/", { kind: "support" });
  await say(w, w.dan, opened.body.id, "blue elephants");
  const afterOne = await w.call(w.bob, "GET", "/support/queue/");
  await say(w, w.dan, opened.body.id, "green giraffes");
  const afterTwo = await w.call(w.bob, "GET", "/support/queue/");

  assert.deepEqual(await botTexts(w, w.dan, opened.body.id), [
    "We are closed now; an agent will write back.",
    "Connecting you with a person.",
  ]);
  assert.equal(afterOne.body.length, 0);
  assert.equal(afterTwo.body.length, 1);
  await w.close();
});

Deno.test("support queue: oldest first, agents only; guests and other workspaces see nothing", async () => {
  const w = await world();
  const guest2 = await w.call(w.admin, "POST", "/api/admin/users", {
    name: "Gus",
    email: "gus@acme.test",
    role: "guest",
    password: "correct horse battery staple",
  });
  const gus = await signIn(w, "gus@acme.test");
  const dans = await openAndQueue(w, w.dan);
  w.now += 60_000;
  const carols = await openAndQueue(w, w.carol);
  w.now += 60_000;
  const guss = await openAndQueue(w, gus);

  const queue = await w.call(w.erin, "GET", "/support/queue/");
  const asAdmin = await w.call(w.admin, "GET", "/support/queue");
  const asGuest = await w.call(w.dan, "GET", "/support/queue/");
  const asOutsider = await w.call(w.zed, "GET", "/support/queue/");
  const peek = await w.call(gus, "GET", `/conversations/${dans}/`);
  const peekMessages = await w.call(gus, "GET", `/conversations/${dans}/messages/`);
  const guestClaim = await w.call(gus, "POST", `/conversations/${dans}/claim/`);
  const guestClose = await w.call(gus, "POST", `/conversations/${dans}/close/`);
  const outsiderClaim = await w.call(w.zed, "POST", `/conversations/${dans}/claim/`);

  assert.equal(guest2.status, 201);
  assert.deepEqual(queue.body.map((c: { id: string }) => c.id), [dans, carols, guss]);
  assert.deepEqual(asAdmin.body.map((c: { id: string }) => c.id), [dans, carols, guss]);
  assert.equal(asGuest.status, 403);
  assert.deepEqual(asOutsider.body, [], "another workspace's queue is its own");
  assert.equal(peek.status, 404, "a guest never sees another's support chat");
  assert.equal(peekMessages.status, 404);
  assert.equal(guestClaim.status, 403);
  assert.equal(guestClose.status, 404);
  assert.equal(outsiderClaim.status, 404);
  await w.close();
});

Deno.test("support claim: two agents at once over HTTP, one 200 and one 409; the bot stops; close reopens", async () => {
  const w = await world();
  const id = await openAndQueue(w, w.dan);
  const bobStream = await SseReader.open(`${w.url}/api/chat/events`, w.bob.auth);
  const danStream = await SseReader.open(`${w.url}/api/chat/events`, w.dan.auth);

  const [a, b] = await Promise.all([
    w.call(w.bob, "POST", `/conversations/${id}/claim/`),
    w.call(w.carol, "POST", `/conversations/${id}/claim/`),
  ]);
  const winner = a.status === 200 ? w.bob : w.carol;
  await say(w, w.dan, id, "price?");
  const seen = await w.call(winner, "GET", `/conversations/${id}/messages/`);
  const queue = await w.call(w.bob, "GET", "/support/queue/");
  const closed = await w.call(winner, "POST", `/conversations/${id}/close/`);
  const closedAgain = await w.call(w.dan, "POST", `/conversations/${id}/close/`);
  const reopened = await w.call(w.dan, "POST", "/conversations/", { kind: "support" });
  await bobStream.count("support_closed", 1);

  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  assert.equal((a.status === 409 ? a : b).body.error.code, "conflict");
  assert.ok(
    seen.body.some((m: { content: string }) => m.content === "price?"),
    "the claiming agent reads the conversation",
  );
  assert.equal((await botTexts(w, w.dan, id)).includes("Plans start at $10."), false, "a claimed chat has no bot");
  assert.deepEqual(queue.body, []);
  assert.equal(closed.status, 200);
  assert.equal(closedAgain.status, 409);
  assert.equal(reopened.status, 201);
  assert.notEqual(reopened.body.id, id);
  const types = bobStream.messages.map((m) => m.event);
  assert.ok(types.includes("support_claimed"));
  const claimed = JSON.parse(bobStream.messages.find((m) => m.event === "support_claimed")!.data);
  assert.equal(claimed.conversation.id, id);
  assert.equal(claimed.conversation.claimed_by, winner.user.id);
  assert.equal(
    danStream.messages.some((m) => m.event.startsWith("support_")),
    false,
    "the requester (a guest) never gets agent events",
  );
  await bobStream.close();
  await danStream.close();
  await w.close();
});

Deno.test("support events replay to agents only after a reconnect", async () => {
  const w = await world();

  const id = await openAndQueue(w, w.dan);
  const erinReplay = await SseReader.open(`${w.url}/api/chat/events?after=0`, w.erin.auth);
  const danReplay = await SseReader.open(`${w.url}/api/chat/events?after=0`, w.dan.auth);
  await erinReplay.count("support_queued", 1);
  await danReplay.count("message_created", 3);

  const queued = JSON.parse(erinReplay.messages.find((m) => m.event === "support_queued")!.data);
  assert.equal(queued.conversation.id, id);
  assert.equal(queued.conversation.requester.id, w.dan.user.id);
  assert.equal(danReplay.messages.some((m) => m.event === "support_queued"), false);
  await erinReplay.close();
  await danReplay.close();
  await w.close();
});

Deno.test("support_bot settings: PUT /api/chat/settings and /api/admin/settings take them, bad ones are 400", async () => {
  const w = await liveWorld();

  const viaChat = await w.call(w.admin, "PUT", "/settings", { support_bot: BOT });
  const read = await w.call(w.admin, "GET", "/api/admin/settings");
  const badZone = await w.call(w.admin, "PUT", "/api/admin/settings", {
    support_bot: { ...BOT, business_hours: { timezone: "Nowhere/Land", days: {} } },
  });
  const memberPut = await w.call(w.bob, "PUT", "/settings", { support_bot: BOT });
  const after = await w.call(w.admin, "GET", "/api/admin/settings");

  assert.equal(viaChat.status, 200);
  assert.deepEqual(read.body.support_bot, BOT);
  assert.equal(badZone.status, 400);
  assert.equal(memberPut.status, 403);
  assert.deepEqual(after.body.support_bot, BOT, "a refused PUT changes nothing");
  await w.close();
});

async function world() {
  const base = await liveWorld();
  const w = Object.assign(base, { now: OPEN_HOURS });
  w.deps.now = () => w.now;
  const put = await w.call(w.admin, "PUT", "/api/admin/settings", { support_bot: BOT });
  if (put.status !== 200) throw new Error(`settings: ${JSON.stringify(put.body)}`);
  return w;
}

type World = LiveWorld & { now: number };

/** Sends a message and waits for the bots' answers to it. */
async function say(w: World, who: SeededUser, id: string, content: string) {
  await post(w, who, id, content);
  await botAnswersSettled(w.deps.database.db);
}

async function botTexts(w: World, who: SeededUser, id: string): Promise<string[]> {
  const res = await w.call(who, "GET", `/conversations/${id}/messages/`);
  return res.body.filter((m: { kind: string }) => m.kind === "bot").map((m: { content: string }) => m.content);
}

async function openAndQueue(w: World, who: SeededUser): Promise<string> {
  const opened = await w.call(who, "POST", "/conversations/", { kind: "support" });
  await say(w, who, opened.body.id, "human");
  return opened.body.id;
}

async function signIn(w: World, email: string): Promise<SeededUser> {
  const password = "correct horse battery staple";
  const res = await fetch(`${w.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workspace: "acme", email, password }),
  });
  const body = await res.json();
  return { user: body.user, token: body.token, password, auth: { authorization: `Bearer ${body.token}` } };
}
