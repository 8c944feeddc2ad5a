/** How the fake model answers one request. */
export interface FakeReply {
  /** Text pieces, each sent as one chunk. */
  tokens?: string[];
  /** Pause before each chunk. */
  intervalMs?: number;
  /** Answer this HTTP status with `body` instead of a stream. */
  status?: number;
  body?: string;
  /** After this many chunks, send nothing more and keep the connection open. */
  stallAfter?: number;
  /** After this many chunks, send a line that is not a chunk. */
  malformedAfter?: number;
}

/** What the fake model received. */
export interface FakeRequest {
  authorization: string | null;
  body: { model?: string; stream?: boolean; messages: { role: string; content: string }[] };
  raw: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * An OpenAI-compatible `POST /v1/chat/completions` on 127.0.0.1 that streams chunks as the
 * test scripts them (pacing, HTTP errors, stalls, malformed lines) and records every request.
 */
export function startFakeOpenAi(defaultReply: FakeReply = { tokens: ["Hello", " world"] }) {
  const requests: FakeRequest[] = [];
  const script: FakeReply[] = [];
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") return new Response("no", { status: 404 });
    const raw = await req.text();
    const record: FakeRequest = {
      authorization: req.headers.get("authorization"),
      body: JSON.parse(raw),
      raw,
      startedAt: performance.now(),
    };
    requests.push(record);
    const reply = script.shift() ?? defaultReply;
    if (reply.status) {
      record.endedAt = performance.now();
      return new Response(reply.body ?? "error", { status: reply.status });
    }
    const tokens = reply.tokens ?? [];
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        open.add(controller);
        const send = (line: string) => controller.enqueue(encoder.encode(line));
        for (let i = 0; i < tokens.length && !cancelled; i++) {
          if (reply.stallAfter === i || reply.malformedAfter === i) break;
          if (reply.intervalMs) await new Promise((r) => setTimeout(r, reply.intervalMs));
          if (cancelled) return;
          send(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: tokens[i] } }] })}\n\n`);
          fake.chunkSent(tokens[i], record);
        }
        if (cancelled) return;
        if (reply.stallAfter !== undefined) return; // the connection stays open, silent
        if (reply.malformedAfter !== undefined) send("data: {not json\n\n");
        else send("data: [DONE]\n\n");
        record.endedAt = performance.now();
        open.delete(controller);
        controller.close();
      },
      cancel() {
        cancelled = true;
        record.endedAt = performance.now();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const fake = {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    /** Replies for the next requests, in order; then the default one. */
    script,
    /** Called as each chunk goes out (benchmarks time chunks with it). */
    chunkSent: (_token: string, _request: FakeRequest) => {},
    async close() {
      for (const c of open) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await server.shutdown();
    },
  };
  return fake;
}
