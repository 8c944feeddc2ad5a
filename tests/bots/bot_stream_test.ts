import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import { botScope } from "../../chat/bots/accounts.ts";
import { postBotMessage } from "../../chat/bots/messages.ts";
import { BotStream, DELTA_GAP_MS, DELTAS_PER_SECOND } from "../../chat/assistant/bot_stream.ts";

Deno.test("deltas: pieces within the rate go out as they come; the 21st in a second waits and is joined with what follows", async () => {
  const server = await startServer({}, { AI_BASE_URL: "http://127.0.0.1:9" });
  const { users: { mia } } = await seedTenant(server.deps, "acme", { mia: "member" });
  const created = await fetch(`${server.url}/api/chat/conversations/`, {
    method: "POST",
    headers: { ...mia.auth, "content-type": "application/json" },
    body: JSON.stringify({ kind: "assistant" }),
  }).then((r) => r.json());
  const botId = created.participants.find((p: { is_bot: boolean }) => p.is_bot).id;
  const scope = scopeFor({ db: server.deps.database.db, bus: server.deps.bus }, {
    tenantId: mia.user.tenantId,
    userId: mia.user.id,
    role: mia.user.role,
  });
  const bot = botScope(scope, { id: botId, isBot: true });
  const stream = await SseReader.open(`${server.url}/api/chat/events`, mia.auth);
  await stream.count("connected", 1);
  const posted = await postBotMessage(bot, created.id, "", { status: "streaming" });
  let now = 0;
  const answer = new BotStream(bot, posted, () => now);

  // 20 pieces 30 ms apart: faster than one per 50 ms, but within 20 in a second and the gap
  const step = 30;
  assert.ok(step >= DELTA_GAP_MS && step * (DELTAS_PER_SECOND - 1) < 1_000);
  for (let i = 0; i < DELTAS_PER_SECOND; i++) {
    now = i * step;
    answer.push(`p${i} `);
  }
  await stream.count("message_delta", DELTAS_PER_SECOND);
  // the 21st and the next two come before the first delta's second is over: they wait for it, together
  for (const [at, piece] of [[600, "q0 "], [630, "q1 "], [660, "q2 "]] as const) {
    now = at;
    answer.push(piece);
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(stream.of("message_delta").length, DELTAS_PER_SECOND);
  now = 1_000;
  await stream.count("message_delta", DELTAS_PER_SECOND + 1, 2_000);
  await answer.finish("complete");
  await stream.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"complete"')));

  const deltas = stream.of("message_delta").map((m) => JSON.parse(m.data));
  assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i + 1));
  assert.deepEqual(
    deltas.map((d) => d.delta),
    [...Array.from({ length: DELTAS_PER_SECOND }, (_, i) => `p${i} `), "q0 q1 q2 "],
  );
  const done = stream.of("message_updated").map((m) => JSON.parse(m.data)).at(-1);
  assert.equal(done.message.content, deltas.map((d) => d.delta).join(""));
  await stream.close();
  await server.close();
});
