import assert from "node:assert/strict";
import { json, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

/** A PNG of one pixel. */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

function form(server: Server, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { origin: server.url, ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

async function get(server: Server, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function settingsOf(server: Server, auth: Record<string, string>) {
  return await (await fetch(`${server.url}/api/admin/settings`, { headers: auth })).json();
}

async function world() {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", gus: "guest" });
  const globex = await seedTenant(server.deps, "globex", { zed: "member" });
  return { server, acme, globex };
}

Deno.test("over HTTP, a member or guest gets 403 on every admin page and fragment, and changes nothing", async () => {
  const { server, acme } = await world();
  const bobId = acme.users.bob.user.id;
  const calls: [string, string, Record<string, string>?][] = [
    ["GET", "/admin"],
    ["GET", "/admin/people?q=bob"],
    ["POST", "/admin/people", { name: "Mallory", email: "mallory@acme.test", role: "admin" }],
    ["POST", `/admin/people/${bobId}`, { role: "admin" }],
    ["POST", `/admin/people/${acme.admin.user.id}`, { is_active: "false" }],
    ["POST", `/admin/people/${acme.admin.user.id}/reset_link`, {}],
    ["GET", "/admin/workspace"],
    ["POST", "/admin/workspace/name", { name: "Pwned" }],
    ["POST", "/admin/workspace/branding", { primary_color: "#000000" }],
    ["POST", "/admin/workspace/settings/limits", { messages_per_min: "1" }],
    ["GET", "/admin/audit"],
    ["GET", "/admin/audit/rows"],
  ];

  for (const who of ["bob", "gus"] as const) {
    const auth = acme.users[who].auth;
    for (const [method, path, fields] of calls) {
      const res = method === "GET"
        ? await get(server, path, auth)
        : await form(server, path, fields ?? {}, auth).then(async (r) => ({ status: r.status, text: await r.text() }));
      const fragment = await get(server, path, { ...auth, "hx-request": "true" });
      assert.equal(res.status, 403, `${who}: ${method} ${path}`);
      if (method === "GET") assert.equal(fragment.status, 403, `${who}: ${path} as a fragment`);
    }
  }

  const after = await (await fetch(`${server.url}/api/admin/users`, { headers: acme.admin.auth })).json();
  assert.deepEqual(
    after.map((u: { email: string; role: string; is_active: boolean }) => `${u.email} ${u.role} ${u.is_active}`).sort(),
    ["admin@acme.test admin true", "bob@acme.test member true", "gus@acme.test guest true"],
  );
  const settings = await settingsOf(server, acme.admin.auth);
  assert.notEqual(settings.messages_per_min, 1);
  assert.deepEqual(settings.branding, {});
  const page = await get(server, "/admin", acme.admin.auth);
  assert.equal(page.status, 200);
  assert.match(page.text, /<span class="workspace-name">ACME<\/span>/);
  await server.close();
});

Deno.test("over HTTP, another workspace's admin gets 404 for this workspace's people, and they stay as they were", async () => {
  const { server, acme, globex } = await world();
  const bobId = acme.users.bob.user.id;

  const role = await form(server, `/admin/people/${bobId}`, { role: "admin" }, globex.admin.auth);
  const off = await form(server, `/admin/people/${bobId}`, { is_active: "false" }, globex.admin.auth);
  const reset = await form(server, `/admin/people/${bobId}/reset_link`, {}, globex.admin.auth);
  const apiReset = await fetch(`${server.url}/api/admin/users/${bobId}/reset_link`, json({}, globex.admin.auth));
  const rows = await get(server, "/admin/people?q=bob", globex.admin.auth);

  assert.deepEqual([role.status, off.status, reset.status, apiReset.status], [404, 404, 404, 404]);
  await Promise.all([role, off, reset, apiReset].map((r) => r.body?.cancel()));
  assert.equal(rows.status, 200);
  assert.doesNotMatch(rows.text, /bob@acme/);
  const bob = (await (await fetch(`${server.url}/api/admin/users`, { headers: acme.admin.auth })).json())
    .find((u: { id: string }) => u.id === bobId);
  assert.equal(bob.role, "member");
  assert.equal(bob.is_active, true);
  await server.close();
});

Deno.test("over HTTP, the people page searches, changes a role, deactivates, and invites with a one-time link", async () => {
  const { server, acme } = await world();
  const bobId = acme.users.bob.user.id;

  const search = await get(server, "/admin/people?q=BOB", acme.admin.auth);
  const promoted = await form(server, `/admin/people/${bobId}`, { role: "admin" }, acme.admin.auth);
  const promotedRow = await promoted.text();
  const off = await form(server, `/admin/people/${bobId}`, { is_active: "false" }, acme.admin.auth);
  const offRow = await off.text();
  const invited = await form(server, "/admin/people", { name: "Frank", email: "frank@acme.test", role: "guest" }, {
    ...acme.admin.auth,
    "hx-request": "true",
  });
  const invitedHtml = await invited.text();
  const badEmail = await form(server, "/admin/people", { name: "X", email: "not-an-email", role: "member" }, {
    ...acme.admin.auth,
    "hx-request": "true",
  });

  assert.equal(search.status, 200);
  assert.match(search.text, /bob@acme\.test/);
  assert.doesNotMatch(search.text, /gus@acme\.test/);
  assert.equal(promoted.status, 200);
  assert.match(promotedRow, /<option value="admin" selected="">/);
  assert.equal(off.status, 200);
  assert.match(offRow, /class="person-row inactive"/);
  assert.equal(invited.status, 201);
  const link = invitedHtml.match(/class="copy-field invite-url" readonly="" value="([^"]+)"/)?.[1];
  assert.ok(link, "the answer shows the invite link");
  assert.match(link, /\/invite\//);
  assert.match(invitedHtml, /<hx-partial hx-target="#people-rows" hx-swap="afterbegin">/);
  assert.equal(badEmail.status, 400);
  await badEmail.body?.cancel();
  const invitePage = await get(server, new URL(link).pathname);
  assert.equal(invitePage.status, 200);
  const audit = await (await fetch(`${server.url}/api/admin/audit/`, { headers: acme.admin.auth })).json();
  const actions = audit.filter((e: { target_id: string; action: string }) =>
    e.target_id === bobId || e.action === "user.created"
  )
    .map((e: { action: string }) => e.action);
  for (const action of ["user.role_changed", "user.deactivated", "user.created"]) assert.ok(actions.includes(action));
  await server.close();
});

Deno.test("over HTTP, a password reset link works once, expires, is audited, and ends the user's other sessions", async () => {
  const { server, acme } = await world();
  const bob = acme.users.bob;
  const link = await form(server, `/admin/people/${bob.user.id}/reset_link`, {}, acme.admin.auth);
  const url = (await link.text()).match(/value="([^"]+\/reset\/[^"]+)"/)?.[1];
  assert.ok(url);
  const path = new URL(url).pathname;

  const page = await get(server, path);
  const short = await form(server, path, { password: "short" });
  const done = await form(server, path, { password: "a brand new password" });
  const again = await form(server, path, { password: "another new password" });
  const pageAgain = await get(server, path);

  assert.equal(page.status, 200);
  assert.equal(page.headers.get("cache-control"), "no-store");
  assert.match(page.text, /bob@acme\.test/);
  assert.equal(short.status, 400);
  await short.body?.cancel();
  assert.equal(done.status, 303);
  assert.equal(done.headers.get("location"), "/");
  assert.match(done.headers.get("set-cookie") ?? "", /parley_session=/);
  await done.body?.cancel();
  assert.equal(again.status, 404);
  await again.body?.cancel();
  assert.equal(pageAgain.status, 404);
  const oldSession = await fetch(`${server.url}/api/me`, { headers: bob.auth });
  assert.equal(oldSession.status, 401);
  await oldSession.body?.cancel();
  const login = await fetch(
    `${server.url}/api/auth/login`,
    json({
      workspace: "acme",
      email: "bob@acme.test",
      password: "a brand new password",
    }),
  );
  assert.equal(login.status, 200);
  await login.body?.cancel();

  const api = await fetch(
    `${server.url}/api/admin/users/${acme.users.gus.user.id}/reset_link`,
    json({}, acme.admin.auth),
  );
  const { reset_url: gusUrl, expires_at: expiresAt } = await api.json();
  assert.equal(api.status, 201);
  const realNow = server.deps.now;
  server.deps.now = () => Date.parse(expiresAt) + 1000;
  const expired = await get(server, new URL(gusUrl).pathname);
  server.deps.now = realNow;
  const fresh = await get(server, new URL(gusUrl).pathname);
  assert.equal(expired.status, 404);
  assert.equal(fresh.status, 200);

  const audit = await (await fetch(`${server.url}/api/admin/audit/?action=user.password_reset`, {
    headers: acme.admin.auth,
  })).json();
  const links = await (await fetch(`${server.url}/api/admin/audit/?action=user.password_reset_link`, {
    headers: acme.admin.auth,
  })).json();
  assert.deepEqual(audit.map((e: { actor_id: string }) => e.actor_id), [bob.user.id]);
  assert.equal(links.length, 2);
  assert.ok(links.every((e: { actor_id: string }) => e.actor_id === acme.admin.user.id));
  await server.close();
});

Deno.test("over HTTP, the workspace page saves a section's settings, refuses limits above the server's, and renames", async () => {
  const { server, acme } = await world();
  const ceiling = server.deps.config.rateLimits.messagesPerMin;

  const page = await get(server, "/admin/workspace", acme.admin.auth);
  const tooHigh = await form(server, "/admin/workspace/settings/limits", { messages_per_min: String(ceiling + 1) }, {
    ...acme.admin.auth,
  });
  const tooHighHtml = await tooHigh.text();
  const lower = await form(server, "/admin/workspace/settings/limits", { messages_per_min: "7" }, acme.admin.auth);
  const general = await form(server, "/admin/workspace/settings/general", { default_locale: "es" }, acme.admin.auth);
  const badJson = await form(
    server,
    "/admin/workspace/settings/fields",
    { entity_types: "[not json" },
    acme.admin.auth,
  );
  const unknown = await form(server, "/admin/workspace/settings/nope", {}, acme.admin.auth);
  const renamed = await form(server, "/admin/workspace/name", { name: "Acme Corp" }, acme.admin.auth);

  assert.equal(page.status, 200);
  assert.match(page.text, /class="workspace-slug">acme</);
  assert.match(page.text, /\/login\?workspace=acme/);
  assert.match(page.text, new RegExp(`name="messages_per_min" type="number" value="${ceiling}"[^>]*max="${ceiling}"`));
  assert.equal(tooHigh.status, 400);
  assert.match(tooHighHtml, /the server&#39;s limit/);
  assert.equal(lower.status, 200);
  await lower.body?.cancel();
  assert.equal(general.status, 200);
  await general.body?.cancel();
  assert.equal(badJson.status, 400);
  await badJson.body?.cancel();
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  assert.equal(renamed.status, 200);
  await renamed.body?.cancel();
  const settings = await settingsOf(server, acme.admin.auth);
  assert.equal(settings.messages_per_min, 7);
  assert.equal(settings.default_locale, "es");
  assert.deepEqual(settings.entity_types, []);
  const app = await get(server, "/", acme.users.bob.auth);
  assert.match(app.text, /class="workspace-name">Acme Corp</);
  const audit = await (await fetch(`${server.url}/api/admin/audit/?action=workspace.renamed`, {
    headers: acme.admin.auth,
  })).json();
  assert.deepEqual(audit[0].details, { before: "ACME", after: "Acme Corp" });
  await server.close();
});

Deno.test("over HTTP, a logo upload takes only an image, and only this workspace's people can load it", async () => {
  const { server, acme, globex } = await world();
  const upload = (bytes: Uint8Array, name: string) => {
    const body = new FormData();
    body.append("logo", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    return fetch(`${server.url}/admin/workspace/logo`, { method: "POST", headers: acme.admin.auth, body });
  };

  const html = await upload(new TextEncoder().encode("<svg onload=alert(1)></svg>"), "logo.svg");
  const png = await upload(PNG, "logo.png");

  assert.equal(html.status, 400);
  await html.body?.cancel();
  assert.equal(png.status, 200);
  await png.body?.cancel();
  const logoUrl: string = (await settingsOf(server, acme.admin.auth)).branding.logo_url;
  assert.match(logoUrl, /^\/brand\/logo\/[0-9a-f]{32}$/);
  const mine = await fetch(`${server.url}${logoUrl}`, { headers: acme.users.gus.auth });
  const theirs = await fetch(`${server.url}${logoUrl}`, { headers: globex.admin.auth });
  const guessed = await fetch(`${server.url}/brand/logo/${"0".repeat(32)}`, { headers: acme.users.bob.auth });
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get("content-type"), "image/png");
  assert.deepEqual(new Uint8Array(await mine.arrayBuffer()), PNG);
  assert.equal(theirs.status, 404);
  await theirs.body?.cancel();
  assert.equal(guessed.status, 404);
  await guessed.body?.cancel();
  const app = await get(server, "/", acme.users.bob.auth);
  assert.match(app.text, new RegExp(`<img class="logo" src="${logoUrl}"`));
  await server.close();
});

Deno.test("over HTTP, sign-up lands on the app showing the workspace's address, sign-in link and an invite", async () => {
  const server = await startServer();

  const signup = await form(server, "/signup", {
    workspace_name: "Initech",
    workspace_slug: "initech",
    name: "Peter",
    email: "peter@initech.test",
    password: "correct horse battery staple",
  });
  const cookie = signup.headers.get("set-cookie")?.split(";")[0] ?? "";
  await signup.body?.cancel();
  const app = await get(server, signup.headers.get("location") ?? "", { cookie });
  const login = await get(server, "/login?workspace=initech");

  assert.equal(signup.status, 303);
  assert.equal(signup.headers.get("location"), "/?welcome");
  assert.match(app.text, /class="workspace-slug">initech</);
  assert.match(app.text, /value="http:\/\/localhost:\d+\/login\?workspace=initech"/);
  assert.match(app.text, /Nobody else here yet\.<a class="invite-people" href="\/admin#invite">Invite people<\/a>/);
  assert.match(app.text, /<a href="\/admin" class="link-button admin-link">Admin<\/a>/);
  assert.match(login.text, /name="workspace" type="text" value="initech"/);
  await server.close();
});

Deno.test("over HTTP, the audit page pages through older entries and filters by dates", async () => {
  const { server, acme } = await world();
  const bobId = acme.users.bob.user.id;
  for (let i = 0; i < 60; i++) {
    const res = await form(
      server,
      `/admin/people/${bobId}`,
      { role: i % 2 === 0 ? "guest" : "member" },
      acme.admin.auth,
    );
    await res.body?.cancel();
  }
  const rowsOf = (html: string) => [...html.matchAll(/<tr class="audit-row" data-action="([^"]+)"/g)].map((m) => m[1]);

  const first = await get(server, "/admin/audit?action=user.role_changed", acme.admin.auth);
  const more = first.text.match(/hx-get="(\/admin\/audit\/rows\?[^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
  const rest = await get(server, more ?? "/missing", acme.admin.auth);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const later = await get(server, `/admin/audit?from=${tomorrow}`, acme.admin.auth);
  const today = new Date().toISOString().slice(0, 10);
  const sameDay = await get(server, `/admin/audit?from=${today}&to=${today}&action=user.role_changed`, acme.admin.auth);
  const bad = await get(server, "/admin/audit?from=yesterday", acme.admin.auth);

  assert.equal(rowsOf(first.text).length, 50);
  assert.ok(more, "a first page of 50 offers the older entries");
  assert.match(more, /action=user\.role_changed/);
  assert.match(more, /before_id=/);
  assert.equal(rowsOf(rest.text).length, 10);
  assert.doesNotMatch(rest.text, /audit\/rows/);
  assert.deepEqual(new Set([...rowsOf(first.text), ...rowsOf(rest.text)]), new Set(["user.role_changed"]));
  assert.equal(rowsOf(later.text).length, 0);
  assert.match(later.text, /No entries\./);
  assert.equal(rowsOf(sameDay.text).length, 50);
  assert.equal(bad.status, 400);
  await server.close();
});
