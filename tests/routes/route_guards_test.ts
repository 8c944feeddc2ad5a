import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { rawRequest } from "./raw_http.ts";

/**
 * Each sub-app checks the session once for all its routes. These tests walk every route
 * the app registers, over the real listener, so a route added anywhere without the check
 * of its surface fails here.
 */

const server = await startServer();
const acme = await seedTenant(server.deps, "acme", { bob: "member" });
const routes = createApp(server.deps).routes.filter((r) => r.method !== "ALL" && !r.path.includes("*"));
const SOME_ID = "0190a0a0-0000-7000-8000-000000000000";

/** The route's path with any id filled in: the session is checked before an id is looked at. */
function concrete(path: string): string {
  return path.replace(/:\w+\{([^|}]+)[^}]*\}/g, "$1").replace(/:\w+/g, SOME_ID);
}

const PUBLIC_API = new Set([
  "POST /api/auth/signup",
  "POST /api/auth/login",
  "POST /api/auth/invite",
  "POST /api/auth/sso",
  "POST /api/me/locale",
]);
const PUBLIC_PAGES = new Set([
  "GET /login",
  "POST /login",
  "GET /signup",
  "POST /signup",
  "POST /logout",
  "POST /ui/locale",
  // the widget shows its own sign-in bar, and its popup the sign-in form
  "GET /widget",
  "GET /widget/sign-in",
  "POST /widget/sign-in",
]);
const isPage = (path: string) =>
  path === "/" || /^\/(c|ui|widget|brand\.css|brand\/logo|admin)(\/|$)/.test(path) && !path.startsWith("/ui/events") ||
  path === "/ui/events/poll";

Deno.test("over HTTP, every API route but sign-up, sign-in, invite and the language switcher is 401 without a session", async () => {
  const api = routes.filter((r) => r.path.startsWith("/api/") && !PUBLIC_API.has(`${r.method} ${r.path}`));
  const answers = await Promise.all(api.map(async (r) => {
    const res = await rawRequest(server.url, { method: r.method, path: concrete(r.path) });
    return `${r.method} ${r.path} ${res.status} ${res.status === 401 ? JSON.parse(res.body).error.code : ""}`;
  }));

  assert.ok(api.length >= 25, `only ${api.length} API routes were found`);
  assert.deepEqual(answers, api.map((r) => `${r.method} ${r.path} 401 unauthenticated`));
});

Deno.test("over HTTP, every page and fragment sends a signed-out browser to the sign-in page", async () => {
  const pages = routes.filter((r) => isPage(r.path) && !PUBLIC_PAGES.has(`${r.method} ${r.path}`));
  const answers = await Promise.all(pages.map(async (r) => {
    const path = concrete(r.path);
    const page = await rawRequest(server.url, { method: r.method, path });
    const fragment = await rawRequest(server.url, { method: r.method, path, headers: { "hx-request": "true" } });
    return `${r.method} ${r.path} ${page.status} ${page.headers.location} ${fragment.status} ${
      fragment.headers["hx-redirect"]
    }`;
  }));

  assert.ok(pages.length >= 20, `only ${pages.length} page routes were found`);
  assert.deepEqual(answers, pages.map((r) => `${r.method} ${r.path} 303 /login 401 /login`));
});

Deno.test("over HTTP, the event streams refuse a caller without a session with the API's 401", async () => {
  const answers = await Promise.all(["/api/chat/events", "/ui/events"].map(async (path) => {
    const res = await rawRequest(server.url, { method: "GET", path, headers: { "hx-request": "true" } });
    return `${path} ${res.status} ${JSON.parse(res.body).error.code}`;
  }));

  assert.deepEqual(answers, ["/api/chat/events 401 unauthenticated", "/ui/events 401 unauthenticated"]);
});

Deno.test("over HTTP, a fragment's invalid query is answered like the page's other errors: a toast, not JSON", async () => {
  const cookie = `parley_session=${acme.users.bob.token}`;

  try {
    const fragment = await rawRequest(server.url, {
      method: "GET",
      path: "/ui/conversations?limit=0",
      headers: { cookie, "hx-request": "true" },
    });
    const api = await rawRequest(server.url, {
      method: "GET",
      path: "/api/chat/conversations?limit=0",
      headers: { cookie },
    });

    assert.equal(fragment.status, 400);
    assert.match(fragment.headers["content-type"], /^text\/html/);
    assert.match(fragment.body, /<p class="toast" role="alert">/);
    assert.equal(api.status, 400);
    assert.equal(JSON.parse(api.body).error.code, "validation_error");
  } finally {
    await server.close();
  }
});
