import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { rawRequest, type RawResponse } from "./raw_http.ts";

/**
 * Cross-site requests over the real listener. Without a session cookie they matter too: a
 * foreign page that posts the attacker's credentials to /login signs the victim in to the
 * attacker's workspace, where everything they type is the attacker's to read.
 */

const CROSS_SITE: Record<string, string>[] = [
  { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
  { "sec-fetch-site": "cross-site" },
  // a sibling site (another subdomain) is not this origin
  { "sec-fetch-site": "same-site", origin: "http://chat.localhost:8000" },
  // older browsers send no Sec-Fetch-Site, only the Origin
  { origin: "https://evil.example" },
];

Deno.test("cross-site sign-in, sign-up, sign-out, language and invite posts are refused without a cookie", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const invite = await invitePath(server.url, acme.admin.auth);
  const bob = { workspace: "acme", email: "bob@acme.test", password: acme.users.bob.password };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const requests = [
    { method: "POST", path: "/api/auth/login", json: bob },
    { method: "POST", path: "/login", form: form(bob) },
    {
      method: "POST",
      path: "/api/auth/signup",
      json: {
        workspace_name: "Evil",
        workspace_slug: "evil",
        name: "Eve",
        email: "eve@evil.test",
        password: "p".repeat(12),
      },
    },
    {
      method: "POST",
      path: "/signup",
      form: form({
        workspace_name: "Evil",
        workspace_slug: "evil2",
        name: "E",
        email: "e@e.test",
        password: "p".repeat(12),
      }),
    },
    { method: "POST", path: "/api/auth/logout" },
    { method: "POST", path: "/logout" },
    { method: "POST", path: "/ui/locale", form: form({ locale: "es", back: "/" }) },
    { method: "POST", path: invite, form: form({ name: "Carol", password: "q".repeat(12) }) },
    { method: "POST", path: "/api/auth/invite", json: { token: invite.split("/").at(-1), password: "q".repeat(12) } },
  ];

  const refused: RawResponse[] = [];
  for (const request of requests) {
    for (const signal of CROSS_SITE) refused.push(await send(server.url, request, signal));
  }
  const signups = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workspace: "evil", email: "eve@evil.test", password: "p".repeat(12) }),
  });
  const inviteStillOpen = await fetch(`${server.url}${invite}`);

  assert.equal(refused.length, requests.length * CROSS_SITE.length);
  for (const res of refused) {
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).error.code, "forbidden");
    assert.equal(res.headers["set-cookie"], undefined);
  }
  // nothing was created, and the invite was not used up
  assert.equal(signups.status, 401);
  await signups.body?.cancel();
  assert.equal(inviteStillOpen.status, 200);
  await inviteStillOpen.body?.cancel();
  await server.close();
});

Deno.test("the same posts from our own pages or from API clients without browser signals go through", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const bob = { workspace: "acme", email: "bob@acme.test", password: acme.users.bob.password };
  const form = new URLSearchParams(bob).toString();

  const api = await send(server.url, { method: "POST", path: "/api/auth/login", json: bob }, {});
  const page = await send(server.url, { method: "POST", path: "/login", form }, {
    "sec-fetch-site": "same-origin",
    origin: server.url,
  });
  // a form on a no-referrer page: Chrome sends Origin null, Sec-Fetch-Site still says same-origin
  const nullOrigin = await send(server.url, { method: "POST", path: "/login", form }, {
    "sec-fetch-site": "same-origin",
    origin: "null",
  });
  const locale = await send(server.url, { method: "POST", path: "/ui/locale", form: "locale=es&back=/" }, {
    "sec-fetch-site": "same-origin",
  });

  assert.equal(api.status, 200);
  assert.match(api.headers["set-cookie"] ?? "", /^parley_session=/);
  assert.equal(page.status, 303);
  assert.match(page.headers["set-cookie"] ?? "", /^parley_session=/);
  assert.equal(nullOrigin.status, 303);
  assert.equal(locale.status, 303);
  assert.match(locale.headers["set-cookie"] ?? "", /^parley_locale=es/);
  await server.close();
});

/** Sends a JSON or form post (or none) with the given browser signals. */
function send(
  url: string,
  request: { method: string; path: string; json?: unknown; form?: string },
  signals: Record<string, string>,
): Promise<RawResponse> {
  const body = request.json !== undefined ? JSON.stringify(request.json) : request.form;
  const type = request.json !== undefined ? "application/json" : "application/x-www-form-urlencoded";
  const headers: Record<string, string> = { ...signals };
  if (body !== undefined) {
    Object.assign(headers, {
      "content-type": type,
      "content-length": String(new TextEncoder().encode(body).byteLength),
    });
  }
  return rawRequest(url, { method: request.method, path: request.path, headers, body: body ? [body] : undefined });
}

/** An invite link's path for a new member. */
async function invitePath(url: string, auth: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/api/admin/users`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "Carol", email: "carol@acme.test", role: "member" }),
  });
  assert.equal(res.status, 201);
  return new URL((await res.json()).invite_url).pathname;
}
