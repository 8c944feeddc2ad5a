/**
 * The fake model of `bench/assistant.ts`, built to cost little in the benchmark's process,
 * which shares the cores with the server it measures: an OpenAI-compatible
 * `POST /v1/chat/completions` on 127.0.0.1 over node:net sockets that answers every request
 * with a `stream: true` answer of chunked SSE `data:` lines, one token per chunk at a fixed
 * rate per answer (token k of an answer is due k intervals after the request; one timer
 * serves every answer), then `data: [DONE]`. With `fetch` bodies, web streams and a timer
 * per chunk it took about as much CPU as the server.
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
