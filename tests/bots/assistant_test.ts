import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { API_KEY, assistantWorld, ClientText } from "./assistant_world.ts";

const TOKENS = Array.from({ length: 40 }, (_, i) => `t${i} `);

Deno.test("an answer streams to a real SSE client in order: created empty, coalesced deltas, then complete", async () => {
  const w = await assistantWorld({ reply: { tokens: TOKENS, intervalMs: 5 } });
  const cid = await w.assistantConversation(w.users.mia);
  const stream = await SseReader.open(`${w.server.url}/api/chat/events`, w.users.mia.auth);
  await stream.count("connected", 1);

  const sent = await w.ask(w.users.mia, cid, "Tell me something");

  assert.equal(sent.status, 201);
  await stream.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"complete"')), 10_000);
  const created = stream.of("message_created").map((m) => JSON.parse(m.data).message).find((m) => m.kind === "bot");
  assert.deepEqual([created.status, created.content, created.parent_id], ["streaming", "", null]);
  const client = new ClientText(created.id);
  for (const m of stream.messages) client.apply(m);
  const deltas = stream.of("message_delta").map((m) => JSON.parse(m.data));
  assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i + 1));
  assert.deepEqual(Object.keys(deltas[0]).sort(), ["conversation", "delta", "message_id", "seq"]);
  assert.equal(deltas[0].conversation, cid);
  assert.equal(deltas.map((d) => d.delta).join(""), TOKENS.join(""));
  // 40 chunks 5 ms apart: at most one delta per 50 ms, so they were joined
  assert.ok(deltas.length < TOKENS.length / 2, `${deltas.length} deltas for ${TOKENS.length} chunks`);
  assert.equal(client.content, TOKENS.join(""));
  assert.equal(client.status, "complete");
  for (const shown of client.shown) assert.ok(TOKENS.join("").startsWith(shown));
  const [request] = w.fake.requests;
  assert.equal(request.authorization, `Bearer ${API_KEY}`);
  assert.deepEqual([request.body.stream, request.body.model], [true, "fake-1"]);
  assert.deepEqual(request.body.messages.map((m) => m.role), ["system", "user"]);
  assert.equal(request.body.messages[1].content, "Tell me something");
  const page = await w.call(w.users.mia, "GET", `/api/chat/conversations/${cid}/messages/`);
  assert.deepEqual(page.body.map((m: { status: string }) => m.status).slice(-1), ["complete"]);
  assert.equal(page.body.at(-1).content, TOKENS.join(""));
  await stream.close();
  await w.close();
});

Deno.test("a client that reconnects mid-stream gets the text so far by replay: no gap, no repeated text", async () => {
  const tokens = Array.from({ length: 60 }, (_, i) => `w${i} `);
  const w = await assistantWorld({ reply: { tokens, intervalMs: 40 } });
  const cid = await w.assistantConversation(w.users.mia);
  const first = await SseReader.open(`${w.server.url}/api/chat/events`, w.users.mia.auth);
  await first.count("connected", 1);
  await w.ask(w.users.mia, cid, "Long answer please");
  await first.count("message_delta", 3, 10_000);
  await first.close();
  const created = first.of("message_created").map((m) => JSON.parse(m.data).message).find((m) => m.kind === "bot");
  const client = new ClientText(created.id);
  for (const m of first.messages) client.apply(m);
  const before = client.content;
  const lastId = first.messages.filter((m) => m.id).at(-1)!.id!;
  // the answer goes on while the client is away
  await new Promise((r) => setTimeout(r, 1_300));

  const second = await SseReader.open(`${w.server.url}/api/chat/events`, {
    ...w.users.mia.auth,
    "last-event-id": lastId,
  });
  await second.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"complete"')), 15_000);
  for (const m of second.messages) client.apply(m);

  const full = tokens.join("");
  assert.ok(before.length > 0 && before.length < full.length);
  // replay brought a stored snapshot of the text so far, ahead of what the client held
  const snapshots = second.of("message_updated").map((m) => JSON.parse(m.data)).filter((d) =>
    d.message.status === "streaming"
  );
  assert.ok(snapshots.length > 0);
  assert.ok(snapshots[0].message.content.length > before.length);
  assert.equal(snapshots[0].message.content, full.slice(0, snapshots[0].message.content.length));
  for (const shown of client.shown) assert.ok(full.startsWith(shown), `not a prefix: ${shown}`);
  assert.equal(client.content, full);
  await second.close();
  await w.close();
});

Deno.test("what goes to the model has PII masked: no email, card or phone number reaches it", async () => {
  const w = await assistantWorld();
  const cid = await w.assistantConversation(w.users.mia);

  await w.ask(w.users.mia, cid, "I am jane.doe@example.com, call +1 415 555 2671");
  await w.server.deps.assistant!.idle();
  await w.ask(w.users.mia, cid, "My card is 4111 1111 1111 1111, is that fine?");
  await w.server.deps.assistant!.idle();

  assert.equal(w.fake.requests.length, 2);
  const second = w.fake.requests[1];
  // the history went along, masked too
  assert.deepEqual(second.body.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
  for (const request of w.fake.requests) {
    assert.doesNotMatch(request.raw, /jane\.doe@example\.com|555 2671|4111 1111 1111 1111/);
  }
  assert.match(second.raw, /1111/); // the masked card keeps its last digits: it was there
  // people still see what they wrote
  const page = await w.call(w.users.mia, "GET", `/api/chat/conversations/${cid}/messages/`);
  assert.ok(page.body.some((m: { content: string }) => m.content.includes("jane.doe@example.com")));
  await w.close();
});

Deno.test("a blocked topic is answered by its reply without calling the model (whole words, any case and accents)", async () => {
  const w = await assistantWorld();
  const set = await w.call(w.admin, "PUT", "/api/admin/settings", {
    assistant: { blocked_topics: [{ keywords: ["política", "salary bands"], reply: "I cannot discuss that." }] },
  });
  assert.equal(set.status, 200);
  assert.deepEqual([set.body.assistant.max_history_messages, set.body.assistant.enabled], [20, true]);
  const cid = await w.assistantConversation(w.users.mia);

  await w.ask(w.users.mia, cid, "What about POLITICA today?");
  await w.ask(w.users.mia, cid, "Tell me the Salary  Bands.");
  await w.server.deps.assistant!.idle();
  const blockedCalls = w.fake.requests.length;
  await w.ask(w.users.mia, cid, "Is politically a word?");
  await w.server.deps.assistant!.idle();

  assert.equal(blockedCalls, 0);
  assert.equal(w.fake.requests.length, 1);
  const page = await w.call(w.users.mia, "GET", `/api/chat/conversations/${cid}/messages/`);
  const bot = page.body.filter((m: { kind: string }) => m.kind === "bot");
  assert.deepEqual(bot.map((m: { content: string }) => m.content).slice(0, 2), [
    "I cannot discuss that.",
    "I cannot discuss that.",
  ]);
  assert.deepEqual(bot.map((m: { status: string }) => m.status), ["complete", "complete", "complete"]);
  await w.close();
});

Deno.test("an answer's deltas reach only the asker's conversation; others cannot ask in it", async () => {
  const w = await assistantWorld({ reply: { tokens: ["one ", "two ", "three"], intervalMs: 20 } });
  const cid = await w.assistantConversation(w.users.mia);
  const { admin: outsider } = await seedTenant(w.server.deps, "other");
  const streams = await Promise.all(
    [w.users.mia, w.users.bob, w.admin, outsider].map((who) =>
      SseReader.open(`${w.server.url}/api/chat/events`, who.auth)
    ),
  );
  await Promise.all(streams.map((s) => s.count("connected", 1)));

  const intruders = await Promise.all([w.users.bob, outsider].map((who) => w.ask(who, cid, "let me in")));
  await w.ask(w.users.mia, cid, "hello");
  await w.server.deps.assistant!.idle();

  const [mia, ...others] = streams;
  await mia.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"complete"')));
  assert.ok(mia.of("message_delta").length > 0);
  for (const s of others) {
    assert.equal(s.messages.filter((m) => m.data.includes(cid)).length, 0);
  }
  assert.deepEqual(intruders.map((r) => r.status), [404, 404]);
  assert.equal(w.fake.requests.length, 1);
  await Promise.all(streams.map((s) => s.close()));
  await w.close();
});
