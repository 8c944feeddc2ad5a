import type { Hono, MiddlewareHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv } from "./env.ts";

/**
 * Answers every `OPTIONS` request before any route's own middleware (sign-in, admin
 * checks) runs: 204 with the methods the path takes in `Allow`, or 404 for a path no route
 * takes. No `Access-Control-*` header is ever sent: other origins get no CORS grant.
 * @param app the complete app, whose routes are read on the first `OPTIONS` request
 */
export function answerOptions(app: Hono<AppEnv>): MiddlewareHandler<AppEnv> {
  let routes: { router: TrieRouter<string>; methods: string[] } | null = null;
  return async (c, next) => {
    if (c.req.method !== "OPTIONS") return await next();
    const { router, methods } = routes ??= routeTable(app);
    // the app ignores a trailing slash
    const path = c.req.path.length > 1 ? c.req.path.replace(/\/$/, "") : c.req.path;
    const allowed = methods.filter((method) => router.match(method, path)[0].length > 0);
    if (allowed.length === 0) return c.notFound();
    if (allowed.includes("GET")) allowed.push("HEAD");
    c.header("Allow", [...allowed, "OPTIONS"].sort().join(", "));
    return c.body(null, 204);
  };
}

function routeTable(app: Hono<AppEnv>) {
  const router = new TrieRouter<string>();
  const methods = new Set<string>();
  for (const route of app.routes) {
    // middleware is mounted for ALL methods and answers nothing by itself
    if (route.method === "ALL") continue;
    router.add(route.method, route.path, route.method);
    methods.add(route.method);
  }
  return { router, methods: [...methods] };
}
