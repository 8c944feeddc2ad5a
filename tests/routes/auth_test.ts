import assert from "node:assert/strict";
import { json, ORIGIN, seedTenant, testApp } from "../helpers.ts";
import { sessions } from "../../db/schema/mod.ts";

const SIGNUP = {
  workspace_name: "Acme Corp",
  name: "Alice Admin",
  email: "Alice@Acme.test",
  password: "a long enough password",
};

Deno.test("signup, login, me and logout walk a session from birth to revocation", async () => {
  const { app, deps } = await testApp();

  const signup = await app.request("/api/auth/signup", json(SIGNUP));
  const created = await signup.json();
  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme-corp", email: "alice@acme.test", password: SIGNUP.password }),
  );
  const { token, user } = await login.json();
  const auth = { authorization: `Bearer ${token}` };
  const me = await app.request("/api/me", { headers: auth });
  const logout = await app.request("/api/auth/logout", { method: "POST", headers: auth });
  const meAfter = await app.request("/api/me", { headers: auth });

  assert.equal(signup.status, 201);
  assert.equal(created.tenant.slug, "acme-corp");
  assert.equal(created.user.role, "admin");
  assert.equal(created.user.email, "alice@acme.test");
  assert.equal(created.user.password_hash, undefined);
  assert.equal(login.status, 200);
  assert.equal(user.id, created.user.id);
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.id, created.user.id);
  assert.equal(logout.status, 200);
  assert.equal(meAfter.status, 401);
  assert.equal((await meAfter.json()).error.code, "unauthenticated");
  await deps.close();
});

Deno.test("login sets an HttpOnly SameSite=Lax session cookie that authenticates the browser", async () => {
  const { app, deps } = await testApp();
  await app.request("/api/auth/signup", json({ ...SIGNUP, workspace_slug: "acme" }));

  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: SIGNUP.email, password: SIGNUP.password }),
  );
  const cookie = login.headers.get("set-cookie") ?? "";
  const session = cookie.split(";")[0];
  const me = await app.request("/api/me", { headers: { cookie: session } });

  assert.match(cookie, /^parley_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\//);
  assert.match(cookie, /Max-Age=\d+/);
  assert.doesNotMatch(cookie, /Secure/);
  assert.equal(me.status, 200);
  await deps.close();
});

Deno.test("the session cookie is Secure when PUBLIC_URL is https", async () => {
  const { app, deps } = await testApp({ PUBLIC_URL: "https://chat.example.com" });

  const signup = await app.request("/api/auth/signup", json(SIGNUP));

  assert.equal(signup.status, 201);
  assert.match(signup.headers.get("set-cookie") ?? "", /Secure/);
  await deps.close();
});

Deno.test("a wrong password and an unknown email get the same status and body", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");

  const right = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: admin.user.email, password: admin.password }),
  );
  const wrongPassword = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: admin.user.email, password: "not the password" }),
  );
  const unknownEmail = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: "nobody@acme.test", password: "not the password" }),
  );
  const unknownWorkspace = await app.request(
    "/api/auth/login",
    json({ workspace: "nowhere", email: admin.user.email, password: admin.password }),
  );

  assert.equal(right.status, 200);
  const bodies = [await wrongPassword.text(), await unknownEmail.text(), await unknownWorkspace.text()];
  assert.deepEqual([wrongPassword.status, unknownEmail.status, unknownWorkspace.status], [401, 401, 401]);
  assert.equal(bodies[0], bodies[1]);
  assert.equal(bodies[1], bodies[2]);
  assert.equal(JSON.parse(bodies[0]).error.code, "unauthenticated");
  await deps.close();
});

Deno.test("the eleventh login attempt within 15 minutes is refused with 429 and Retry-After", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");
  const attempt = (password: string) =>
    app.request("/api/auth/login", json({ workspace: "acme", email: admin.user.email, password }));

  const failures = [];
  for (let i = 0; i < 10; i++) failures.push((await attempt("wrong password")).status);
  const limited = await attempt(admin.password);
  const otherEmail = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: "someone@acme.test", password: "x" }),
  );

  assert.deepEqual(failures, Array(10).fill(401));
  assert.equal(limited.status, 429);
  assert.equal((await limited.json()).error.code, "rate_limited");
  const retryAfter = Number(limited.headers.get("retry-after"));
  assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
  assert.equal(otherEmail.status, 401, "the limit is per IP and email");
  await deps.close();
});

Deno.test("signup answers 403 and creates nothing when ALLOW_SIGNUP=false", async () => {
  const { app, deps } = await testApp({ ALLOW_SIGNUP: "false" });

  const signup = await app.request("/api/auth/signup", json({ ...SIGNUP, workspace_slug: "acme" }));
  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: SIGNUP.email, password: SIGNUP.password }),
  );

  assert.equal(signup.status, 403);
  assert.equal((await signup.json()).error.code, "forbidden");
  assert.equal(login.status, 401);
  await deps.close();
});

/** A signup as the node:http server hands it to the app: from a socket, with forwarding headers. */
function signupFrom(
  app: Awaited<ReturnType<typeof testApp>>["app"],
  slug: string,
  peer: string,
  forwardedFor?: string,
) {
  const headers: Record<string, string> = forwardedFor ? { "x-forwarded-for": forwardedFor } : {};
  return app.request("/api/auth/signup", json({ ...SIGNUP, workspace_slug: slug }, headers), {
    incoming: { socket: { remoteAddress: peer, remotePort: 1, remoteFamily: peer.includes(":") ? "IPv6" : "IPv4" } },
  });
}

Deno.test("signup is limited per client IP", async () => {
  const { app, deps } = await testApp({ SIGNUP_LIMIT_PER_HOUR: "2" });

  const statuses = [
    (await signupFrom(app, "one", "192.0.2.1")).status,
    (await signupFrom(app, "two", "192.0.2.1")).status,
    (await signupFrom(app, "three", "192.0.2.1")).status,
    (await signupFrom(app, "four", "192.0.2.2")).status,
  ];

  assert.deepEqual(statuses, [201, 201, 429, 201]);
  await deps.close();
});

Deno.test("without TRUSTED_PROXIES a client cannot pass the signup limit by sending X-Forwarded-For", async () => {
  const { app, deps } = await testApp({ SIGNUP_LIMIT_PER_HOUR: "1" });

  const first = await signupFrom(app, "one", "10.0.0.5", "203.0.113.5");
  const second = await signupFrom(app, "two", "10.0.0.5", "203.0.113.6");

  assert.deepEqual([first.status, second.status], [201, 429]);
  await deps.close();
});

Deno.test("behind a trusted proxy, the forwarded client is limited and recorded, and spoofed entries are ignored", async () => {
  const { app, deps } = await testApp({ SIGNUP_LIMIT_PER_HOUR: "1", TRUSTED_PROXIES: "10.0.0.0/8, ::1" });

  const statuses = [
    // two clients behind the proxy: one each
    (await signupFrom(app, "one", "10.0.0.5", "203.0.113.5")).status,
    (await signupFrom(app, "two", "::ffff:10.0.0.5", "203.0.113.6")).status,
    // the first again, prepending a made-up address: the proxy appended the real one
    (await signupFrom(app, "three", "10.0.0.5", "198.51.100.1, 203.0.113.5")).status,
    // the first again through two proxies
    (await signupFrom(app, "four", "::1", "203.0.113.5, 10.9.9.9")).status,
    // a malformed entry is not believed: the proxy that passed it on counts
    (await signupFrom(app, "five", "10.0.0.7", "not-an-ip")).status,
    (await signupFrom(app, "six", "10.0.0.7", "203.0.113.9, garbage")).status,
    // a peer that is not a trusted proxy is the client, whatever it forwards
    (await signupFrom(app, "seven", "192.0.2.9", "203.0.113.7")).status,
    (await signupFrom(app, "eight", "192.0.2.9", "203.0.113.8")).status,
  ];

  assert.deepEqual(statuses, [201, 201, 429, 429, 201, 429, 201, 429]);
  const ips = (await deps.database.db.select({ ip: sessions.ip }).from(sessions)).map((r) => r.ip).sort();
  assert.deepEqual(ips, ["10.0.0.7", "192.0.2.9", "203.0.113.5", "203.0.113.6"]);
  await deps.close();
});

Deno.test("a taken workspace slug is a 409 and a derived slug finds a free variant", async () => {
  const { app, deps } = await testApp();
  await app.request("/api/auth/signup", json({ ...SIGNUP, workspace_slug: "acme-corp" }));

  const taken = await app.request("/api/auth/signup", json({ ...SIGNUP, workspace_slug: "acme-corp" }));
  const derived = await app.request("/api/auth/signup", json(SIGNUP));

  assert.equal(taken.status, 409);
  assert.equal(derived.status, 201);
  assert.equal((await derived.json()).tenant.slug, "acme-corp-2");
  await deps.close();
});

Deno.test("signup rejects bad fields with 400 naming the field", async () => {
  const { app, deps } = await testApp();

  const cases: [string, Record<string, unknown>][] = [
    ["email", { ...SIGNUP, email: "not-an-email" }],
    ["password", { ...SIGNUP, password: "short" }],
    ["workspace_slug", { ...SIGNUP, workspace_slug: "Bad Slug!" }],
    ["name", { ...SIGNUP, name: 42 }],
    ["email", { workspace_name: "x", name: "x", password: "long enough password" }],
  ];

  for (const [field, body] of cases) {
    const res = await app.request("/api/auth/signup", json(body));
    const { error } = await res.json();
    assert.equal(res.status, 400, field);
    assert.equal(error.code, "validation_error");
    assert.match(error.message, new RegExp(field));
  }
  await deps.close();
});

Deno.test("an admin-created user without a password signs in through the one-time invite link", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");

  const created = await app.request(
    "/api/admin/users",
    json({ name: "Frank", email: "frank@acme.test", role: "member" }, admin.auth),
  );
  const { invite_url: inviteUrl } = await created.json();
  const token = inviteUrl.split("/invite/")[1];
  const accept = await app.request("/api/auth/invite", json({ token, password: "franks new password" }));
  const again = await app.request("/api/auth/invite", json({ token, password: "another password!" }));
  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: "frank@acme.test", password: "franks new password" }),
  );
  const inviteAsSession = await app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });

  assert.equal(created.status, 201);
  assert.ok(inviteUrl.startsWith(`${ORIGIN}/invite/`));
  assert.equal(accept.status, 200);
  assert.equal(again.status, 404);
  assert.equal(login.status, 200);
  assert.equal(inviteAsSession.status, 401);
  await deps.close();
});
