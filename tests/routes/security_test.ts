import assert from "node:assert/strict";
import { json, ORIGIN, seedTenant, testApp } from "../helpers.ts";
import { sessionKeysFrom, signSession } from "../../chat/accounts/auth.ts";

function form(headers: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: "x=1",
  };
}

Deno.test("a cross-site form post riding on the session cookie is rejected and changes nothing", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");
  const cookie = `parley_session=${admin.token}`;

  const evilOrigin = await app.request("/api/auth/logout", form({ cookie, origin: "https://evil.example" }));
  const evilFetchSite = await app.request("/api/auth/logout", form({ cookie, "sec-fetch-site": "cross-site" }));
  const sameSite = await app.request("/api/auth/logout", form({ cookie, "sec-fetch-site": "same-site" }));
  const stillIn = await app.request("/api/me", { headers: { cookie } });
  const sameOrigin = await app.request(
    "/api/auth/logout",
    form({ cookie, origin: ORIGIN, "sec-fetch-site": "same-origin" }),
  );
  const out = await app.request("/api/me", { headers: { cookie } });

  assert.deepEqual([evilOrigin.status, evilFetchSite.status, sameSite.status], [403, 403, 403]);
  assert.equal((await evilOrigin.json()).error.code, "forbidden");
  assert.equal(stillIn.status, 200);
  assert.equal(sameOrigin.status, 200);
  assert.equal(out.status, 401);
  await deps.close();
});

Deno.test("a browser's Sec-Fetch-Site same-origin or none is enough when Origin is null", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member" });
  const post = (who: { token: string }, headers: Record<string, string>) =>
    app.request("/api/auth/logout", form({ cookie: `parley_session=${who.token}`, ...headers }));
  const me = async (who: { token: string }) =>
    (await app.request("/api/me", { headers: { cookie: `parley_session=${who.token}` } })).status;

  const nullSameOrigin = await post(admin, { origin: "null", "sec-fetch-site": "same-origin" });
  const nullTyped = await post(users.bob, { origin: "null", "sec-fetch-site": "none" });

  assert.equal(nullSameOrigin.status, 200);
  assert.equal(nullTyped.status, 200);
  assert.deepEqual([await me(admin), await me(users.bob)], [401, 401]);
  await deps.close();
});

Deno.test("Origin null without Sec-Fetch-Site, a cross-site or same-site fetch, or a foreign Origin is still rejected", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");
  const cookie = `parley_session=${admin.token}`;
  const attempts: Record<string, string>[] = [
    { origin: "null" },
    { origin: "null", "sec-fetch-site": "cross-site" },
    { origin: "null", "sec-fetch-site": "same-site" },
    { origin: "https://evil.example", "sec-fetch-site": "same-origin" },
    { origin: "https://evil.example" },
  ];

  const statuses = [];
  for (const headers of attempts) {
    statuses.push((await app.request("/api/auth/logout", form({ cookie, ...headers }))).status);
  }
  const me = await app.request("/api/me", { headers: { cookie } });

  assert.deepEqual(statuses, [403, 403, 403, 403, 403]);
  assert.equal(me.status, 200);
  await deps.close();
});

Deno.test("pages send no referrer and do not loosen that policy in their markup", async () => {
  const { app, deps } = await testApp();

  const res = await app.request("/login");
  const html = await res.text();

  assert.equal(res.status, 200);
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.doesNotMatch(html, /<meta name="referrer"/);
  await deps.close();
});

Deno.test("Bearer requests are not subject to the CSRF check", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");

  const res = await app.request("/api/me", {
    method: "PATCH",
    headers: { ...admin.auth, "content-type": "application/json", origin: "https://host-app.example" },
    body: JSON.stringify({ name: "Renamed" }),
  });

  assert.equal(res.status, 200);
  assert.equal((await res.json()).user.name, "Renamed");
  await deps.close();
});

Deno.test("responses carry a CSP without inline script, nosniff and a frame policy", async () => {
  const { app, deps } = await testApp();

  const res = await app.request("/healthz");
  const csp = res.headers.get("content-security-policy") ?? "";

  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN");
  await deps.close();
});

Deno.test("malformed JSON, wrong types and empty bodies get 400 and change nothing", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member" });
  const send = (path: string, method: string, body: string) =>
    app.request(path, { method, headers: { ...admin.auth, "content-type": "application/json" }, body });

  const answers = [
    await send("/api/auth/login", "POST", "{not json"),
    await send("/api/auth/signup", "POST", '{"workspace_name": ["x"]}'),
    await send("/api/admin/users", "POST", "null"),
    await send("/api/admin/users", "POST", '"a string"'),
    await send(`/api/admin/users/${users.bob.user.id}`, "PATCH", '{"role": "admin",'),
    await send(`/api/admin/users/${users.bob.user.id}`, "PATCH", '{"role": 7}'),
    await send("/api/me/locale", "POST", "{"),
    await send("/api/me", "PATCH", ""),
  ];

  for (const res of answers) {
    assert.equal(res.status, 400, `${res.url}`);
    const { error } = await res.json();
    assert.match(error.code, /^(bad_request|validation_error)$/);
    assert.ok(error.message.length > 0);
  }
  const list = await (await app.request("/api/admin/users", { headers: admin.auth })).json();
  assert.equal(list.length, 2);
  assert.equal(list.find((u: { id: string }) => u.id === users.bob.user.id).role, "member");
  await deps.close();
});

Deno.test("an oversized body gets 413 and creates nothing", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");

  const huge = await app.request(
    "/api/admin/users",
    json({ name: "x".repeat(2 * 1024 * 1024), email: "big@acme.test", role: "member" }, admin.auth),
  );
  const hugeSignup = await app.request(
    "/api/auth/signup",
    json({ workspace_name: "Big", name: "B", email: "b@b.test", password: "p".repeat(2 * 1024 * 1024) }),
  );

  assert.equal(huge.status, 413);
  assert.equal((await huge.json()).error.code, "payload_too_large");
  assert.equal(hugeSignup.status, 413);
  const list = await (await app.request("/api/admin/users", { headers: admin.auth })).json();
  assert.equal(list.length, 1);
  await deps.close();
});

Deno.test("garbage, tampered, foreign-signed and unknown-session tokens are 401, never 500", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");
  const claims = {
    sessionId: crypto.randomUUID(),
    userId: admin.user.id,
    tenantId: admin.user.tenantId,
    role: "admin" as const,
  };
  const foreign = await signSession(await sessionKeysFrom("a-different-secret-a-different-secret"), claims);
  const unknownSession = await signSession(deps.keys, claims);
  const own = await app.request("/api/me", { headers: admin.auth });

  const tokens = ["garbage", "a.b.c", foreign, unknownSession, `${admin.token}x`];
  const statuses = [];
  for (const token of tokens) {
    statuses.push((await app.request("/api/me", { headers: { authorization: `Bearer ${token}` } })).status);
  }
  const cookie = await app.request("/api/me", { headers: { cookie: "parley_session=%%%" } });

  assert.equal(own.status, 200);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  assert.equal(cookie.status, 401);
  await deps.close();
});

Deno.test("the sign-in form's attempt limit cannot be dodged with a forged X-Forwarded-For", async () => {
  const { app, deps } = await testApp({ RATE_LIMIT_LOGINS_PER_15MIN: "3" });
  await seedTenant(deps, "acme");
  const attempt = (n: number) =>
    app.request("/login", {
      method: "POST",
      headers: { "x-forwarded-for": `203.0.113.${n}` },
      body: new URLSearchParams({ workspace: "acme", email: "admin@acme.test", password: "wrong password" }),
    });

  const statuses = [];
  for (let n = 1; n <= 5; n++) statuses.push((await attempt(n)).status);

  assert.deepEqual(statuses.slice(0, 3), [401, 401, 401]);
  assert.deepEqual(statuses.slice(3), [429, 429]);
  await deps.close();
});
