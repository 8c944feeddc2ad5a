import assert from "node:assert/strict";
import { type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import type { SseMessage } from "../realtime/sse_reader.ts";
import { type FakeReply, startFakeOpenAi } from "./fake_openai.ts";

export const API_KEY = "sk-test-very-secret-key-0123456789";

/** A real server whose assistant talks to a fake model on loopback, and a workspace. */
export async function assistantWorld(options: { env?: Record<string, string>; reply?: FakeReply } = {}) {
  const fake = startFakeOpenAi(options.reply);
  const server = await startServer({}, {
    AI_BASE_URL: fake.url,
    AI_API_KEY: API_KEY,
    AI_MODEL: "fake-1",
    ...options.env,
  });
  const seeded = await seedTenant(server.deps, "acme", { mia: "member", bob: "member" });
  const call = async (who: SeededUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...who.auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    fake,
    server,
    ...seeded,
    call,
    async assistantConversation(who: SeededUser): Promise<string> {
      const res = await call(who, "POST", "/api/chat/conversations/", { kind: "assistant" });
      assert.equal(res.status, 201);
      return res.body.id;
    },
    async ask(who: SeededUser, conversationId: string, content: string) {
      return await call(who, "POST", `/api/chat/conversations/${conversationId}/messages/`, { content });
    },
    async close() {
      await server.deps.assistant?.idle();
      await fake.close();
      await server.close();
    },
  };
}

/**
 * What a client shows of one bot message, built from stream events by the documented rule:
 * a `message_updated` carrying a seq at least the one held replaces the text; a delta is
 * appended only when it is the next seq. Every text it ever shows is recorded.
 */
export class ClientText {
  content = "";
  seq = 0;
  status = "";
  shown: string[] = [];
  constructor(readonly messageId: string) {}

  apply(m: SseMessage) {
    const data = JSON.parse(m.data);
    if (m.event === "message_delta" && data.message_id === this.messageId) {
      if (data.seq === this.seq + 1) {
        this.content += data.delta;
        this.seq = data.seq;
      }
    } else if ((m.event === "message_updated" || m.event === "message_created") && data.message.id === this.messageId) {
      const seq = data.seq ?? 0;
      if (data.message.status !== "streaming" || seq >= this.seq) {
        this.content = data.message.content;
        this.seq = Math.max(seq, this.seq);
      }
      this.status = data.message.status;
    } else return;
    this.shown.push(this.content);
  }
}
