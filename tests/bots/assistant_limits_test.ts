import assert from "node:assert/strict";
import { SseReader } from "../realtime/sse_reader.ts";
import { assistantWorld } from "./assistant_world.ts";

Deno.test("one completion per conversation: a second question waits for the first answer to end", async () => {
  const w = await assistantWorld({ reply: { tokens: ["a", "b", "c", "d", "e"], intervalMs: 30 } });
  const mine = await w.assistantConversation(w.users.mia);
  const other = await w.assistantConversation(w.users.bob);

  await Promise.all([
    w.ask(w.users.mia, mine, "first"),
    w.ask(w.users.bob, other, "elsewhere"),
  ]);
  await w.ask(w.users.mia, mine, "second");
  await w.server.deps.assistant!.idle();

  const [first, elsewhere, second] = ["first", "elsewhere", "second"].map((q) =>
    w.fake.requests.find((r) => r.body.messages.at(-1)!.content === q)!
  );
  assert.ok(second.startedAt >= first.endedAt!, "the second question waited for the first answer");
  // another conversation does not wait
  assert.ok(elsewhere.startedAt < first.endedAt!, "other conversations run at the same time");
  // the second question's history holds the first answer, complete
  assert.deepEqual(second.body.messages.map((m) => m.content).slice(1), ["first", "abcde", "second"]);
  await w.close();
});

Deno.test("21 questions in a minute: the 21st answers 429 with Retry-After and is not stored", async () => {
  const w = await assistantWorld();
  await w.call(w.admin, "PUT", "/api/admin/settings", {
    assistant: { blocked_topics: [{ keywords: ["ping"], reply: "pong" }] },
  });
  const cid = await w.assistantConversation(w.users.mia);
  const group = await w.call(w.users.mia, "POST", "/api/chat/conversations/", { kind: "group", title: "Team" });

  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await w.ask(w.users.mia, cid, `ping ${i}`)).status);
  const over = await w.ask(w.users.mia, cid, "ping 21");
  const mention = await w.ask(w.users.mia, group.body.id, "@assistant ping");
  const plain = await w.ask(w.users.mia, group.body.id, "no question here");
  const others = await w.ask(w.users.bob, await w.assistantConversation(w.users.bob), "ping");
  await w.server.deps.assistant!.idle();

  assert.deepEqual(statuses, Array(20).fill(201));
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) >= 1);
  // a mention in a group counts as a question too; other messages and other people do not
  assert.equal(mention.status, 429);
  assert.equal(plain.status, 201);
  assert.equal(others.status, 201);
  const page = await w.call(w.users.mia, "GET", `/api/chat/conversations/${cid}/messages/?limit=100`);
  const questions = page.body.filter((m: { kind: string }) => m.kind === "text");
  assert.equal(questions.length, 20);
  assert.ok(!questions.some((m: { content: string }) => m.content === "ping 21"));
  assert.equal(page.body.filter((m: { kind: string }) => m.kind === "bot").length, 20);
  await w.close();
});

Deno.test("@assistant in a group answers there as a streamed reply to that message; others are not answered", async () => {
  const w = await assistantWorld({ reply: { tokens: ["Sure", ", ", "here."], intervalMs: 10 } });
  const group = await w.call(w.users.mia, "POST", "/api/chat/conversations/", {
    kind: "group",
    title: "Team",
    participant_ids: [w.users.bob.user.id],
  });
  const gid = group.body.id;
  const bob = await SseReader.open(`${w.server.url}/api/chat/events`, w.users.bob.auth);
  await bob.count("connected", 1);

  await w.ask(w.users.mia, gid, "hello team");
  const asked = await w.ask(w.users.mia, gid, "@assistant can you summarize?");
  await w.ask(w.users.mia, gid, "email me at x@assistant.example");
  await w.server.deps.assistant!.idle();

  await bob.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"complete"')));
  assert.equal(w.fake.requests.length, 1);
  const reply = JSON.parse(bob.of("message_updated").at(-1)!.data).message;
  assert.deepEqual([reply.kind, reply.status, reply.content, reply.parent_id], [
    "bot",
    "complete",
    "Sure, here.",
    asked.body.id,
  ]);
  assert.ok(bob.of("message_delta").length >= 1);
  assert.ok(bob.of("participant_added").length === 1, "the assistant joined the group to answer");
  const conversation = await w.call(w.users.bob, "GET", `/api/chat/conversations/${gid}/`);
  assert.ok(conversation.body.participants.some((p: { is_bot: boolean }) => p.is_bot));
  await bob.close();
  await w.close();
});
