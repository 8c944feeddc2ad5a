import assert from "node:assert/strict";
import { json, seedTenant, testApp } from "../helpers.ts";

Deno.test("a globex user cannot sign in to acme with any credentials", async () => {
  const { app, deps } = await testApp();
  await seedTenant(deps, "acme", { bob: "member" });
  const { admin: erin } = await seedTenant(deps, "globex");
  const home = await app.request(
    "/api/auth/login",
    json({ workspace: "globex", email: erin.user.email, password: erin.password }),
  );

  const attempts = [
    { workspace: "acme", email: erin.user.email, password: erin.password },
    { workspace: " acme ", email: erin.user.email.toUpperCase(), password: erin.password },
    { workspace: "ACME", email: erin.user.email, password: erin.password },
  ];
  const statuses = [];
  for (const body of attempts) statuses.push((await app.request("/api/auth/login", json(body))).status);

  assert.equal(home.status, 200);
  assert.deepEqual(statuses, [401, 401, 401]);
  await deps.close();
});

Deno.test("a globex token gets 404 or 403 on acme's users and never sees them", async () => {
  const { app, deps } = await testApp();
  const acme = await seedTenant(deps, "acme", { bob: "member" });
  const { admin: erin } = await seedTenant(deps, "globex");
  const bobId = acme.users.bob.user.id;
  const own = await app.request(`/api/admin/users/${erin.user.id}`, {
    method: "PATCH",
    headers: { ...erin.auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "Erin" }),
  });

  const patchBob = await app.request(`/api/admin/users/${bobId}`, {
    method: "PATCH",
    headers: { ...erin.auth, "content-type": "application/json" },
    body: JSON.stringify({ is_active: false, role: "admin" }),
  });
  const list = await (await app.request("/api/admin/users", { headers: erin.auth })).json();
  const me = await (await app.request("/api/me", { headers: erin.auth })).json();
  const bobStill = await app.request("/api/me", { headers: acme.users.bob.auth });

  assert.equal(own.status, 200);
  assert.equal(patchBob.status, 404);
  assert.deepEqual(list.map((u: { id: string }) => u.id), [erin.user.id]);
  assert.equal(me.tenant.slug, "globex");
  assert.equal(bobStill.status, 200);
  assert.equal((await bobStill.json()).user.role, "member");
  await deps.close();
});

Deno.test("a token whose tenant claim is swapped is rejected", async () => {
  const { app, deps } = await testApp();
  const acme = await seedTenant(deps, "acme");
  const globex = await seedTenant(deps, "globex");
  const [header, payload, signature] = globex.admin.token.split(".");
  const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
  const forged = btoa(JSON.stringify({ ...claims, tid: acme.tenant.id })).replace(/=+$/, "")
    .replace(/\+/g, "-").replace(/\//g, "_");

  const res = await app.request("/api/me", { headers: { authorization: `Bearer ${header}.${forged}.${signature}` } });

  assert.equal(res.status, 401);
  await deps.close();
});

Deno.test("a globex admin gets 404 on an acme conversation that acme's members can reach", async () => {
  const { app, deps } = await testApp();
  const acme = await seedTenant(deps, "acme", { bob: "member" });
  const { admin: erin } = await seedTenant(deps, "globex");
  const created = await app.request(
    "/api/chat/conversations/",
    json({ kind: "group", title: "Acme secrets", participant_ids: [acme.admin.user.id] }, acme.users.bob.auth),
  );
  const { id } = await created.json();
  const paths = [`/api/chat/conversations/${id}/`, `/api/chat/conversations/${id}/messages/`];
  const bobSees = await Promise.all(paths.map((p) => app.request(p, { headers: acme.users.bob.auth })));

  const erinSees = await Promise.all(paths.map((p) => app.request(p, { headers: erin.auth })));
  const erinPosts = await app.request(`/api/chat/conversations/${id}/messages/`, json({ content: "hi" }, erin.auth));
  const erinList = await (await app.request("/api/chat/conversations/", { headers: erin.auth })).json();

  assert.equal(created.status, 201);
  assert.deepEqual(bobSees.map((r) => r.status), [200, 200]);
  assert.deepEqual(erinSees.map((r) => r.status), [404, 404]);
  assert.equal(erinPosts.status, 404);
  assert.deepEqual(erinList, []);
  const messages = await (await app.request(paths[1], { headers: acme.users.bob.auth })).json();
  assert.equal(messages.length, 0);
  await deps.close();
});
