/**
 * The two sides of `bench/assistant.ts` that live in the benchmark's process, built to cost
 * little there: on a 2-core machine they share the cores with the server they measure, and
 * with `fetch`, web streams and a full SSE parser per connection they took about as much CPU
 * as the server. Both use node:net sockets, with data arriving by callback, no promise or
 * stream object per read, and nothing parsed beyond what is measured.
 *
 * - `startStreamingModel`: an OpenAI-compatible `POST /v1/chat/completions` on 127.0.0.1
 *   that answers every request with a `stream: true` answer of chunked SSE `data:` lines,
 *   one token per chunk at a fixed rate per answer (token k of an answer is due k intervals
 *   after the request; one timer serves every answer), then `data: [DONE]`.
 * - `DeltaClient`: one JSON SSE stream (`/api/chat/events`) that notes, for each
 *   `message_delta`, when it arrived and how many tokens it carried.
 */
import net from "node:net";
import { Buffer } from "node:buffer";

const clock = () => performance.timeOrigin + performance.now();

/** One answer under way. */
interface Answer {
  socket: net.Socket;
  /** The request's last message, which names the answer for the benchmark. */
  question: string;
  startedAt: number;
  sent: number;
}

/**
 * Starts the fake model.
 * @param options tokens: each answer's chunks; tokensPerSecond: the pace of each answer;
 * onChunk: called as each chunk is written, with its index in the answer and the request's last message
 */
export function startStreamingModel(options: {
  tokens: string[];
  tokensPerSecond: number;
  onChunk: (question: string, index: number, at: number) => void;
}) {
  const interval = 1000 / options.tokensPerSecond;
  const chunks = options.tokens.map((token) => {
    const line = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: token } }] })}\n\n`;
    return `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`;
  });
  const done = "data: [DONE]\n\n";
  const end = `${done.length.toString(16)}\r\n${done}\r\n0\r\n\r\n`;
  const answers = new Set<Answer>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let request = "";
    socket.on("data", (data: Buffer) => {
      if (request === null) return;
      request += data.toString("utf8");
      const head = request.indexOf("\r\n\r\n");
      if (head < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(request.slice(0, head))?.[1] ?? 0);
      if (Buffer.byteLength(request.slice(head + 4)) < length) return;
      const body = JSON.parse(request.slice(head + 4));
      request = null as unknown as string;
      socket.write(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
      );
      answers.add({ socket, question: body.messages.at(-1)?.content ?? "", startedAt: clock(), sent: 0 });
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      for (const a of answers) if (a.socket === socket) answers.delete(a);
    });
  });
  // one timer for every answer: each tick writes the chunks that are due
  const ticker = setInterval(() => {
    const now = clock();
    for (const a of answers) {
      while (a.sent < chunks.length && a.startedAt + (a.sent + 1) * interval <= now) {
        a.socket.write(chunks[a.sent]);
        options.onChunk(a.question, a.sent, clock());
        a.sent++;
      }
      if (a.sent === chunks.length) {
        a.socket.end(end);
        answers.delete(a);
      }
    }
  }, Math.min(5, interval / 4));
  const listening = new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    listening,
    get url() {
      return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    },
    /** Ends every answer under way (without `[DONE]`) and stops listening. */
    close(): Promise<void> {
      clearInterval(ticker);
      for (const a of answers) a.socket.destroy();
      answers.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const DELTA = "event: message_delta\n";
const FIELD = '"delta":"';

/**
 * One JSON event stream, read as latin1 text and scanned for `message_delta` frames: each
 * delta's text is counted in tokens (every token ends with a space) and handed on with its
 * arrival time. The server writes whole frames per chunk, so the chunked framing's size
 * lines fall between frames and never inside a delta.
 */
export class DeltaClient {
  #carry = "";
  #inBody = false;
  #seenConnected = false;
  #socket: net.Socket;
  #connected: Promise<void>;

  /**
   * Opens the stream.
   * @param url the server
   * @param token the user's bearer token
   * @param onDelta called with the tokens each delta carries and when it arrived
   */
  constructor(url: string, token: string, readonly onDelta: (tokens: number, at: number) => void) {
    const target = new URL(url);
    this.#socket = net.connect({ host: target.hostname, port: Number(target.port) });
    this.#socket.setNoDelay(true);
    this.#socket.write(
      `GET /api/chat/events HTTP/1.1\r\nhost: ${target.host}\r\n` +
        `authorization: Bearer ${token}\r\naccept: text/event-stream\r\n\r\n`,
    );
    let connected!: () => void;
    let failed!: (e: Error) => void;
    this.#connected = new Promise((resolve, reject) => [connected, failed] = [resolve, reject]);
    this.#socket.on("data", (data: Buffer) => {
      const at = clock();
      let text = this.#carry + data.toString("latin1");
      if (!this.#inBody) {
        const head = text.indexOf("\r\n\r\n");
        if (head < 0) return void (this.#carry = text);
        if (!text.startsWith("HTTP/1.1 200")) return failed(new Error(text.slice(0, 40)));
        this.#inBody = true;
        text = text.slice(head + 4);
      }
      if (!this.#seenConnected && text.includes("event: connected\n")) {
        this.#seenConnected = true;
        connected();
      }
      const end = text.lastIndexOf("\n\n");
      this.#carry = end < 0 ? text : text.slice(end + 2);
      let from = 0;
      while (true) {
        const d = text.indexOf(DELTA, from);
        if (d < 0 || d > end) break;
        const start = text.indexOf(FIELD, d) + FIELD.length;
        const stop = text.indexOf('"', start);
        let tokens = 0;
        for (let i = text.indexOf(" ", start); i >= 0 && i < stop; i = text.indexOf(" ", i + 1)) tokens++;
        this.onDelta(tokens, at);
        from = stop;
      }
    });
    this.#socket.on("error", (e: Error) => failed(e));
  }

  /** Resolves once the server said `connected`. */
  connected(): Promise<void> {
    return this.#connected;
  }

  close(): void {
    this.#socket.destroy();
  }
}
