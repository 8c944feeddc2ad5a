import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";

/** Security headers, body size limit and request ids, applied to every request. */
export function baseMiddleware(deps: AppDeps): MiddlewareHandler<AppEnv>[] {
  return [
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
      strictTransportSecurity: deps.config.secure ? "max-age=31536000; includeSubDomains" : false,
    }),
    bodyLimit({
      // a multipart send may carry several files; each file is checked against MAX_UPLOAD_MB later
      maxSize: deps.config.maxUploadBytes * 10 + 1024 * 1024,
      onError: (c) => errorResponse(c, 413, "payload_too_large", "Request body too large"),
    }),
  ];
}
