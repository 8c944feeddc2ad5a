import type { AddressInfo } from "node:net";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { deflateSync, gzipSync } from "node:zlib";
import { parseAccept } from "hono/utils/accept";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/utils/compress";
import { createAdaptorServer } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { DEFAULT_TIMEOUTS, enforceTimeouts, type RequestTimeouts } from "./timeouts.ts";

/** A listening HTTP server. */
export interface RunningServer {
  port: number;
  url: string;
  /** The request timeouts in force. */
  timeouts: RequestTimeouts;
  /** Stops accepting, ends idle keep-alive connections and waits (up to `graceMs`) for the rest. */
  shutdown(graceMs?: number): Promise<void>;
}

type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

/** Tells the adapter that the response went out already; only read, never changed. */
const ALREADY_SENT = new Response(null, { headers: RESPONSE_ALREADY_SENT.headers });

/**
 * Writes a finished response into the node response in one step. The adapter would copy
 * the headers by iterating `Headers`, which is many times slower than `forEach`, and would
 * pump the body through a stream reader; per request that is more than SQLite takes. Event streams write themselves
 * (see `realtime/stream_sink.ts`) and keep the adapter's path. Compression happens here, where a body's size is
 * known: a JSON answer carries no length before it is read, so a middleware would compress every small one.
 */
async function writeWhole(res: Response, outgoing: ServerResponse, incoming?: IncomingMessage): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  let cookies: string[] | null = null;
  res.headers.forEach((value, name) => {
    if (name === "set-cookie") (cookies ??= []).push(value);
    else headers[name] = value;
  });
  if (cookies) headers["set-cookie"] = cookies;
  let body: Uint8Array | null = res.body === null ? null : new Uint8Array(await res.arrayBuffer());
  if (body !== null && incoming && compressible(res.status, headers, body)) body = compressed(body, headers, incoming);
  if (body !== null) headers["content-length"] = String(body.byteLength);
  if (outgoing.destroyed) return;
  outgoing.writeHead(res.status, headers);
  outgoing.end(body ?? undefined);
}

/** Bodies smaller than this go out as they are: compressing them costs more than it saves. */
const COMPRESS_MIN_BYTES = 1024;

/**
 * True for a whole text body worth compressing: big enough, of a compressible type, not
 * encoded already, not a partial answer, and not marked `no-transform` (attachments are).
 */
function compressible(status: number, headers: Record<string, string | string[]>, body: Uint8Array): boolean {
  const type = headers["content-type"];
  return body.byteLength >= COMPRESS_MIN_BYTES && status !== 206 && headers["content-encoding"] === undefined &&
    typeof type === "string" && COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) &&
    !/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(headers["cache-control"] ?? ""));
}

/**
 * The body gzip- or deflate-encoded when the client accepts one (gzip first), with the
 * headers that say so; the body as it is otherwise. Caches learn that the answer depends
 * on Accept-Encoding either way.
 */
function compressed(body: Uint8Array, headers: Record<string, string | string[]>, incoming: IncomingMessage) {
  const vary = String(headers["vary"] ?? "");
  if (vary !== "*" && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary)) {
    headers["vary"] = vary ? `${vary}, Accept-Encoding` : "Accept-Encoding";
  }
  const accept = incoming.headers["accept-encoding"];
  if (!accept || incoming.method === "HEAD") return body;
  const accepted = parseAccept(accept);
  const q = (name: string) =>
    (accepted.find((a) => a.type.toLowerCase() === name) ?? accepted.find((a) => a.type === "*"))?.q ?? 0;
  const encoding = q("gzip") > 0 && q("gzip") >= q("deflate") ? "gzip" : q("deflate") > 0 ? "deflate" : null;
  if (!encoding) return body;
  headers["content-encoding"] = encoding;
  const etag = headers["etag"];
  if (typeof etag === "string" && !etag.startsWith("W/")) headers["etag"] = `W/${etag}`;
  return new Uint8Array(encoding === "gzip" ? gzipSync(body) : deflateSync(body));
}

/**
 * True for responses the adapter gets as they are: event streams, those already sent, and
 * downloads of unknown length (exports), which it writes as the client takes them instead
 * of reading them whole into memory first.
 */
function passedThrough(res: Response): boolean {
  const headers = res.headers;
  return headers.has("x-hono-already-sent") || headers.get("content-type")?.startsWith("text/event-stream") === true ||
    (headers.get("content-disposition")?.startsWith("attachment") === true && !headers.has("content-length"));
}

/**
 * Serves a fetch handler over HTTP/1.1 with the runtime's node:http server, through Hono's
 * node adapter. An open SSE response costs a fraction there of what it costs on
 * `Deno.serve`, whose streamed bodies each get a fixed 1,024-slot buffer ring: with tens of
 * thousands of open streams that is the difference that matters.
 * @param fetch the app's fetch (`app.fetch`); its `env` carries the node request and response
 * @param options where to listen (port 0 picks a free one), and request timeouts other
 * than the defaults (10 s for headers, 30 s for a body)
 */
export function listen(
  fetch: FetchHandler,
  options: { hostname: string; port: number; timeouts?: Partial<RequestTimeouts> },
): Promise<RunningServer> {
  // Deno's own Request and Response stay in place: the app relies on them
  const server = createAdaptorServer({
    fetch: async (request, env) => {
      const res = await fetch(request, env);
      const outgoing = (env as { outgoing?: ServerResponse }).outgoing;
      // answered already (a request timeout) or gone: nothing more can be written
      if (outgoing && (outgoing.writableEnded || outgoing.destroyed) && !passedThrough(res)) return ALREADY_SENT;
      if (!outgoing || outgoing.headersSent || passedThrough(res)) return res;
      await writeWhole(res, outgoing, (env as { incoming?: IncomingMessage }).incoming);
      return ALREADY_SENT;
    },
    overrideGlobalObjects: false,
  });
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const stopTimeouts = enforceTimeouts(server as Server, timeouts);
  return new Promise((resolve, reject) => {
    const failed = (e: Error) => {
      stopTimeouts();
      reject(e);
    };
    server.once("error", failed);
    server.listen(options.port, options.hostname, () => {
      server.off("error", failed);
      const { port } = server.address() as AddressInfo;
      const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
      resolve({
        port,
        url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
        timeouts,
        shutdown(graceMs = 5_000) {
          stopTimeouts();
          return new Promise<void>((done) => {
            const timer = setTimeout(() => "closeAllConnections" in server && server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            if ("closeIdleConnections" in server) server.closeIdleConnections();
          });
        },
      });
    });
  });
}
