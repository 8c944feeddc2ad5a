import assert from "node:assert/strict";
import { SseReader } from "../realtime/sse_reader.ts";
import { API_KEY, assistantWorld } from "./assistant_world.ts";
import type { FakeReply } from "./fake_openai.ts";

const UPSTREAM_SECRET = "UPSTREAM-ERROR-BODY-echoing";

const FAILURES: { name: string; reply?: FakeReply; env?: Record<string, string>; partial: string }[] = [
  { name: "connect error", env: { AI_BASE_URL: "http://127.0.0.1:9" }, partial: "" },
  { name: "HTTP error", reply: { status: 500, body: `${UPSTREAM_SECRET} ${API_KEY}` }, partial: "" },
  {
    name: "no chunk within the timeout",
    reply: { tokens: ["Par", "tial", "never"], stallAfter: 2 },
    partial: "Partial",
  },
  { name: "malformed stream", reply: { tokens: ["Half ", "an", "x"], malformedAfter: 2 }, partial: "Half an" },
];

for (const failure of FAILURES) {
  Deno.test(`model failure (${failure.name}): the answer ends failed with its partial text, plus a localized system message`, async () => {
    const logged: string[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
    const w = await assistantWorld({ reply: failure.reply, env: { AI_TIMEOUT_MS: "300", ...failure.env } });
    try {
      const locale = await w.call(w.users.mia, "PATCH", "/api/me/", { locale: "es" });
      assert.equal(locale.status, 200);
      const cid = await w.assistantConversation(w.users.mia);
      const stream = await SseReader.open(`${w.server.url}/api/chat/events`, w.users.mia.auth);
      await stream.count("connected", 1);

      await w.ask(w.users.mia, cid, "Help me");
      await w.server.deps.assistant!.idle();

      await stream.until((m) => m.some((x) => x.event === "message_updated" && x.data.includes('"failed"')), 5_000);
      const final = JSON.parse(stream.of("message_updated").at(-1)!.data).message;
      assert.deepEqual([final.kind, final.status, final.content], ["bot", "failed", failure.partial]);
      await stream.until((m) => m.some((x) => x.event === "message_created" && x.data.includes('"kind":"system"')));
      const page = await w.call(w.users.mia, "GET", `/api/chat/conversations/${cid}/messages/`);
      const notice = page.body.at(-1);
      assert.equal(notice.kind, "system");
      assert.equal(notice.content, "El asistente no está disponible en este momento. Inténtalo de nuevo más tarde.");
      // neither the key nor what the upstream said reaches users or logs
      const everything = JSON.stringify(page.body) + stream.messages.map((m) => m.data).join("") + logged.join("\n");
      assert.ok(!everything.includes(API_KEY));
      assert.ok(!everything.includes(UPSTREAM_SECRET));
      assert.ok(logged.some((l) => l.includes("assistant completion failed")), "the failure is logged");
      await stream.close();
    } finally {
      await w.close();
      console.error = originalError;
    }
  });
}
