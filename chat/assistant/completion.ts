/** How a completion failed; only this kind is logged, never the key or an upstream body. */
export type CompletionFailure = "connect" | "http" | "timeout" | "malformed";

/** A completion that ended before `[DONE]`. */
export class CompletionError extends Error {
  constructor(readonly kind: CompletionFailure, readonly status?: number) {
    super(`Assistant completion failed: ${kind}${status ? ` (HTTP ${status})` : ""}`);
  }
}

/** One message of the model's input. */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Where the model is: the server's `AI_*` settings. */
export interface ModelEndpoint {
  baseUrl: string;
  apiKey?: string;
  model?: string;
  idleTimeoutMs: number;
}

/**
 * Asks an OpenAI-compatible `POST {baseUrl}/v1/chat/completions` with `stream: true` and
 * hands each piece of text to `onText` as it arrives. Resolves after `data: [DONE]`; any
 * other end (no connection, an HTTP error, `idleTimeoutMs` without a chunk, a line that is
 * not a chunk, a stream that stops before `[DONE]`) rejects with a `CompletionError`. An
 * error answer's body is discarded unread: it may echo the request or the key.
 */
export async function streamCompletion(
  endpoint: ModelEndpoint,
  turns: ChatTurn[],
  onText: (text: string) => void,
): Promise<void> {
  const abort = new AbortController();
  let timedOut = false;
  // one timer for the whole answer rather than one per chunk: a chunk only notes its time,
  // and the timer, when it fires, waits out whatever is left of the idle time since then
  let lastChunkAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = (ms: number) => {
    timer = setTimeout(() => {
      const left = lastChunkAt + endpoint.idleTimeoutMs - performance.now();
      if (left > 0) return watch(left);
      timedOut = true;
      abort.abort();
    }, ms);
  };
  const noteChunk = () => void (lastChunkAt = performance.now());
  watch(endpoint.idleTimeoutMs);
  try {
    const response = await fetch(`${endpoint.baseUrl.replace(/\/+$/, "")}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: endpoint.model, stream: true, messages: turns }),
      signal: abort.signal,
    }).catch(() => {
      throw new CompletionError(timedOut ? "timeout" : "connect");
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new CompletionError("http", response.status);
    }
    await readChunks(response.body, noteChunk, onText).catch((e) => {
      throw e instanceof CompletionError ? e : new CompletionError(timedOut ? "timeout" : "malformed");
    });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Reads SSE `data:` lines until `[DONE]`; other SSE fields and comments are ignored. */
async function readChunks(body: ReadableStream<Uint8Array>, onChunk: () => void, onText: (text: string) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new CompletionError("malformed");
    onChunk();
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split(/\r?\n/);
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") {
        await reader.cancel().catch(() => {});
        return;
      }
      const text = chunkText(data);
      if (text) onText(text);
    }
  }
}

function chunkText(data: string): string {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new CompletionError("malformed");
  }
  const choices = (chunk as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) throw new CompletionError("malformed");
  const content = (choices[0] as { delta?: { content?: unknown } } | undefined)?.delta?.content;
  if (content !== undefined && content !== null && typeof content !== "string") throw new CompletionError("malformed");
  return content ?? "";
}
