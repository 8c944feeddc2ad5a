import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How long a client may take to send a request; a slower one is answered 408 and disconnected. */
export interface RequestTimeouts {
  /** From a connection's start (or a following request's first byte) to the end of the headers. */
  headersMs: number;
  /** From the end of the headers to the end of the body. */
  requestMs: number;
}

/**
 * Chat requests are small: a client that needs longer is holding a connection (and a
 * request's memory) open on purpose.
 */
export const DEFAULT_TIMEOUTS: RequestTimeouts = { headersMs: 10_000, requestMs: 30_000 };

const TIMEOUT_BODY = JSON.stringify({
  error: { code: "request_timeout", message: "The request was not received in time" },
});
const HEADERS_TIMEOUT_RESPONSE = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n" +
  `Content-Type: application/json\r\nContent-Length: ${TIMEOUT_BODY.length}\r\n\r\n${TIMEOUT_BODY}`;

/**
 * Enforces `timeouts` on a node:http server. Deno's node:http accepts `headersTimeout` and
 * `requestTimeout` but does not act on them (a body sent a byte every few seconds kept a
 * request open for minutes), so a periodic sweep does what Node's own check does:
 * - a connection gets `headersMs` for a request's headers, counted from its start, or
 *   for a following request from that request's first byte; an idle keep-alive
 *   connection (no byte since the last answer) is left open as before;
 * - a request gets `requestMs` after its headers to deliver its body. Once the body is
 *   complete nothing is cut however long the answer takes, so event streams live on.
 * @param server the node:http server, before it listens
 * @param timeouts the limits
 * @returns a function that stops the sweep
 */
export function enforceTimeouts(server: Server, timeouts: RequestTimeouts): () => void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  // connections whose next request's headers are due: counted from `since`, or, while
  // null, from the first byte read beyond `bytesBefore`
  const awaitingHeaders = new Map<Socket, { since: number | null; bytesBefore: number }>();
  const awaitingBody = new Map<IncomingMessage, { res: ServerResponse; deadline: number }>();
  const inFlight = new WeakMap<Socket, number>();

  server.on(
    "connection",
    (socket: Socket) => awaitingHeaders.set(socket, { since: performance.now(), bytesBefore: 0 }),
  );
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    awaitingHeaders.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    if (hasBody && !req.complete) awaitingBody.set(req, { res, deadline: performance.now() + timeouts.requestMs });
    res.once("finish", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (left === 0 && !socket.destroyed) awaitingHeaders.set(socket, { since: null, bytesBefore: socket.bytesRead });
    });
  });

  const sweep = () => {
    const now = performance.now();
    for (const [socket, wait] of awaitingHeaders) {
      if (socket.destroyed) awaitingHeaders.delete(socket);
      else if (wait.since === null) {
        if (socket.bytesRead > wait.bytesBefore) wait.since = now;
      } else if (now - wait.since >= timeouts.headersMs) {
        awaitingHeaders.delete(socket);
        socket.write(HEADERS_TIMEOUT_RESPONSE);
        socket.destroySoon();
      }
    }
    for (const [req, wait] of awaitingBody) {
      if (req.complete || wait.res.writableEnded || req.socket.destroyed) awaitingBody.delete(req);
      else if (now >= wait.deadline) {
        awaitingBody.delete(req);
        if (wait.res.headersSent) req.socket.destroy();
        else {
          // Connection: close ends the connection once the answer is out
          wait.res.writeHead(408, { "content-type": "application/json", connection: "close" });
          wait.res.end(TIMEOUT_BODY);
        }
      }
    }
  };
  const timer = setInterval(sweep, Math.max(5, Math.min(1_000, timeouts.headersMs / 4, timeouts.requestMs / 4)));
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
