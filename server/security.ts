import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AppDeps, AppEnv } from "./env.ts";
import { errorResponse } from "../routes/errors.ts";
import { IncomingMessage } from "node:http";
import { bodyTooLarge, limitNodeBody } from "./request_body.ts";
import { parseTrustedProxies, TrustedProxies } from "./trusted_proxies.ts";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError, badRequest } from "../chat/errors.ts";
import { isUploadRequest } from "../routes/upload_request.ts";

/** JSON and form bodies are small; only message sends with files may be large. */
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
    // not the node server: Deno.serve (edge.ts) passes the connection as `remoteAddr`,
    // and an in-process request has none
    const remote = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr;
    peer = remote?.hostname;
  }
  if (!peer) return "unknown";
  const config = c.var.deps.config;
  if (config.trustedProxies.length === 0) return peer;
  let proxies = proxiesOf.get(config);
  if (!proxies) proxiesOf.set(config, proxies = new TrustedProxies(config.trustedProxies));
  return proxies.clientAddress(peer, c.req.header("x-forwarded-for"));
}

/** This machine's own addresses. */
const LOOPBACK = new TrustedProxies(parseTrustedProxies("127.0.0.0/8,::1")!);

/**
 * Guards `/metrics`, which tells how busy the service is and when. With `METRICS_TOKEN`
 * set only `Authorization: Bearer <token>` passes (401 otherwise; compared in constant
 * time); without it only clients on this machine do (403 otherwise), judged by the
 * resolved client address, so a reverse proxy on loopback does not let everyone in.
 */
export const metricsAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.var.deps.config.metricsToken;
  if (token !== null) {
    const auth = c.req.header("authorization");
    const given = auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
    if (!await timingSafeEqual(given, token)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return errorResponse(c, 401, "unauthenticated", "Metrics require the METRICS_TOKEN bearer token");
    }
  } else if (!LOOPBACK.trusts(clientIp(c))) {
    return errorResponse(c, 403, "forbidden", "Metrics are served to this machine only unless METRICS_TOKEN is set");
  }
  await next();
};

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
 * Rejects unsafe requests a browser says came from another site, with or without a
 * session cookie: without one, a cross-site form could still sign the victim in to the
 * attacker's account (login CSRF), sign them out or set their language. A Bearer token
 * cannot be sent by another site's form or script without our consent, so Bearer requests
 * are not checked; requests without any browser origin signal (API clients) pass too.
 */
export function csrfProtection(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(deps.config.publicUrl).origin;
  return async (c, next) => {
    const bearer = c.req.header("authorization")?.toLowerCase().startsWith("bearer ");
    if (!SAFE_METHODS.has(c.req.method) && !bearer) {
      if (isCrossSite(c, [publicOrigin, new URL(c.req.url).origin])) {
        return errorResponse(c, 403, "forbidden", "Cross-site request rejected");
      }
    }
    await next();
  };
}

/**
 * The node adapter's request as a standard `Request`, which middleware that re-wraps the
 * request (Hono's `bodyLimit`) can take; the body still streams from the connection.
 */
function standardRequest(raw: Request): Request {
  const init = { method: raw.method, headers: raw.headers, body: raw.body, signal: raw.signal, duplex: "half" };
  return new Request(raw.url, init as RequestInit);
}

/**
 * A multipart body for Hono's body cache, parsed when a route first asks for it (after it
 * authenticated the caller) from the request as it is then; a malformed one is a 400.
 * Hono awaits the cache entry, so a thenable defers the parse. A route that streams the
 * upload itself reads `c.req.raw.body`, which this leaves alone.
 */
function formOnDemand(c: Context): PromiseLike<FormData> {
  let parsed: Promise<FormData> | undefined;
  return {
    then(onParsed, onFailed) {
      parsed ??= c.req.raw.formData().catch((e) => {
        throw e instanceof AppError ? e : badRequest("Malformed multipart body");
      });
      return parsed.then(onParsed, onFailed);
    },
  };
}

const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};
const WIDGET_PATH = "/widget";

/**
 * The pages' Content-Security-Policy with the given frame ancestors, for a route that lets
 * other origins frame it (the widget); every other page may be framed by Parley only.
 * @param frameAncestors CSP sources, e.g. `'self'` and validated origins
 */
export function contentSecurityPolicy(frameAncestors: string[]): string {
  const directives: Record<string, string[]> = { ...CSP_DIRECTIVES, frameAncestors };
  return Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)} ${values.join(" ")}`)
    .join("; ");
}

/** Security headers, body size limits, CSRF checks and request ids, applied to every request. */
export function baseMiddleware(deps: AppDeps): MiddlewareHandler<AppEnv>[] {
  const smallLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: bodyTooLarge });
  return [
    async (c, next) => {
      c.set(
        "requestId",
        c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID(),
      );
      await next();
    },
    async (c, next) => {
      await next();
      // the widget is the one page made to be framed by other sites: its route sets
      // frame-ancestors to the workspace's embed origins, which X-Frame-Options cannot name
      if (c.req.path.replace(/\/$/, "") === WIDGET_PATH) c.res.headers.delete("X-Frame-Options");
    },
    secureHeaders({
      contentSecurityPolicy: { ...CSP_DIRECTIVES, frameAncestors: ["'self'"] },
      xFrameOptions: "SAMEORIGIN",
      // a route that sets its own policy keeps it (attachments are sandboxed)
      overwrite: false,
      strictTransportSecurity: deps.config.secure ? "max-age=31536000; includeSubDomains" : false,
    }),
    csrfProtection(deps),
    (c, next) => {
      // GET and HEAD carry no body; asking for one would make the node adapter build a
      // full Request, which an open event stream would then hold for its whole life
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      // uploads are limited while their route reads them, after the session is checked
      if (isUploadRequest(c)) return next();
      const multipart = c.req.header("content-type")?.toLowerCase().startsWith("multipart/form-data");
      if (multipart) (c.req.bodyCache as Record<string, unknown>).formData = formOnDemand(c);
      const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
      if (!(incoming instanceof IncomingMessage)) return smallLimit(c, next);
      if (!multipart) return limitNodeBody(c, next, incoming, MAX_BODY_BYTES);
      c.req.raw = standardRequest(c.req.raw);
      return smallLimit(c, next);
    },
  ];
}
