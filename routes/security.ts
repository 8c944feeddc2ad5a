import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { getConnInfo } from "@hono/node-server/conninfo";
import { compress } from "hono/compress";
import type { AppDeps, AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";
import { IncomingMessage } from "node:http";
import { SESSION_COOKIE } from "./middleware.ts";
import { TrustedProxies } from "../chat/trusted_proxies.ts";
import { isUploadRequest } from "./uploads.ts";

/** JSON and form bodies are small; only multipart uploads may be large. */
export const MAX_BODY_BYTES = 1024 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const proxiesOf = new WeakMap<AppDeps["config"], TrustedProxies>();

/**
 * The client's IP: the connection's remote address, or behind a trusted reverse proxy
 * (`TRUSTED_PROXIES`) the address it forwarded; "unknown" when there is no connection
 * (in-process requests).
 */
export function clientIp(c: Context<AppEnv>): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // no connection: an in-process request
  }
  if (!peer) return "unknown";
  const config = c.var.deps.config;
  if (config.trustedProxies.length === 0) return peer;
  let proxies = proxiesOf.get(config);
  if (!proxies) proxiesOf.set(config, proxies = new TrustedProxies(config.trustedProxies));
  return proxies.clientAddress(peer, c.req.header("x-forwarded-for"));
}

/** Client address and user agent, for rate limits, sessions and the audit log. */
export function clientInfo(c: Context<AppEnv>): { ip: string; userAgent: string | null } {
  return { ip: clientIp(c), userAgent: c.req.header("user-agent")?.slice(0, 256) ?? null };
}

/**
 * True when a browser says the request did not come from our own pages. `Sec-Fetch-Site`
 * is set by the browser and cannot be forged by a page, so `same-origin` (or `none`, typed
 * by the user) is enough on its own: Chrome sends `Origin: null` on form posts from a page
 * whose Referrer-Policy is no-referrer. Without that header (older browsers), a `null` or
 * foreign Origin is taken as cross-site, since a sandboxed frame or data: page sends `null`.
 */
function isCrossSite(c: Context, ownOrigins: string[]): boolean {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  if (site !== undefined && site !== "same-origin" && site !== "none") return true;
  if (origin === undefined) return false;
  if (origin === "null") return site === undefined;
  return !ownOrigins.includes(origin);
}

/**
 * Rejects cross-site unsafe requests that would ride on the session cookie. A Bearer token
 * cannot be sent by another site's form or script without our consent, so Bearer requests
 * are not checked; requests without any browser origin signal (API clients) pass too.
 */
export function csrfProtection(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(deps.config.publicUrl).origin;
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.toLowerCase().startsWith("bearer ");
    if (!SAFE_METHODS.has(c.req.method) && !bearer && getCookie(c, SESSION_COOKIE)) {
      if (isCrossSite(c, [publicOrigin, new URL(c.req.url).origin])) {
        return errorResponse(c, 403, "forbidden", "Cross-site request rejected");
      }
    }
    await next();
  };
}

/**
 * Reads a request body straight from the node request, up to `maxSize` bytes: null when
 * it is larger (the rest is left for the adapter to drain). Asking the adapter for the
 * body instead builds a complete web `Request` with a stream around the node request.
 */
function readNodeBody(incoming: IncomingMessage, maxSize: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size <= maxSize) return void chunks.push(chunk);
      stop();
      incoming.pause();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      if (chunks.length === 1) return resolve(chunks[0]);
      const body = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) body.set(chunk, at), at += chunk.byteLength;
      resolve(body);
    };
    const onError = (e: unknown) => {
      stop();
      reject(e);
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
  });
}

/**
 * Enforces the size limit on a JSON body arriving over node:http and hands the text to
 * Hono's body cache, where `c.req.json()` finds it. Other requests (in-process ones, forms
 * and uploads) go through Hono's `bodyLimit`.
 */
async function limitJsonBody(
  c: Context,
  next: () => Promise<void>,
  incoming: IncomingMessage,
  tooLarge: (c: Context) => Response,
): Promise<Response | void> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return tooLarge(c);
  const body = await readNodeBody(incoming, MAX_BODY_BYTES);
  if (body === null) return tooLarge(c);
  // the cache holds promises of bodies (Hono types it as the bodies themselves)
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(new TextDecoder().decode(body));
  await next();
}

/** Security headers, body size limits, CSRF checks and request ids, applied to every request. */
export function baseMiddleware(deps: AppDeps): MiddlewareHandler<AppEnv>[] {
  const tooLarge = (c: Context) => errorResponse(c, 413, "payload_too_large", "Request body too large");
  const smallLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  return [
    // text responses of 1 KB or more, for clients that accept gzip or deflate; event
    // streams are marked no-transform and go out as they are
    compress(),
    async (c, next) => {
      c.set(
        "requestId",
        c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID(),
      );
      await next();
    },
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
      xFrameOptions: "SAMEORIGIN",
      // a route that sets its own policy keeps it (attachments are sandboxed)
      overwrite: false,
      strictTransportSecurity: deps.config.secure ? "max-age=31536000; includeSubDomains" : false,
    }),
    (c, next) => {
      // GET and HEAD carry no body; asking for one would make the node adapter build a
      // full Request, which an open event stream would then hold for its whole life
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      // uploads are limited while their route reads them, after the session is checked
      if (isUploadRequest(c)) return next();
      const type = c.req.header("content-type")?.toLowerCase() ?? "";
      const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
      if (type.startsWith("application/json") && incoming instanceof IncomingMessage && !incoming.readableEnded) {
        return limitJsonBody(c, next, incoming, tooLarge);
      }
      return smallLimit(c, next);
    },
    csrfProtection(deps),
  ];
}
