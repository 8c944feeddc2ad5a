import net from "node:net";

/** One HTTP/1.1 response as it came over the wire. */
export interface RawResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Everything after the head (still chunk-framed if it was chunked). */
  body: string;
}

/** What to send: the request head without its final blank line, and the body parts. */
export interface RawRequest {
  method: string;
  path: string;
  /** Header lines; `Host` and `Connection: close` are added. */
  headers?: Record<string, string>;
  /** Body parts written one after another (none: no body at all). */
  body?: (string | Uint8Array)[];
}

const HEAD_END = "\r\n\r\n";

/** Splits a response head into status and headers. */
export function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine, ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

/** The request's bytes as a client writes them, head first. */
export function requestHead(url: string, request: RawRequest): string {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${new URL(url).host}`, "Connection: close"];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  return lines.join("\r\n") + HEAD_END;
}

/**
 * Sends one request on a fresh connection (fetch cannot leave out Content-Length or send
 * a chunked body on purpose) and reads the response until the server closes the
 * connection; an event stream is closed by the client once its head arrived.
 * @param url the server's base URL
 * @param request method, path, headers and body parts
 */
export function rawRequest(url: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${request.method} ${request.path}: no complete answer in ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const end = text.indexOf(HEAD_END);
      if (end < 0) return reject(new Error(`${request.method} ${request.path}: connection closed without an answer`));
      resolve({ ...parseHead(text.slice(0, end)), body: text.slice(end + HEAD_END.length) });
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString("latin1");
      const end = text.indexOf(HEAD_END);
      if (end >= 0 && /^content-type:\s*text\/event-stream/im.test(text.slice(0, end))) {
        socket.destroy();
        finish();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!socket.errored || chunks.length > 0) finish();
      else {
        clearTimeout(timer);
        reject(socket.errored);
      }
    });
    socket.write(requestHead(url, request));
    for (const part of request.body ?? []) socket.write(part);
  });
}

/** Frames body parts as HTTP/1.1 chunks, ending with the last (empty) chunk. */
export function chunked(...parts: string[]): string[] {
  const encoder = new TextEncoder();
  return [...parts.map((p) => `${encoder.encode(p).byteLength.toString(16)}\r\n${p}\r\n`), "0\r\n\r\n"];
}
