import assert from "node:assert/strict";
import { json, seedTenant, testApp } from "../helpers.ts";

function patch(body: unknown, headers: Record<string, string>): RequestInit {
  return { ...json(body, headers), method: "PATCH" };
}

Deno.test("an admin lists, creates and changes users of the workspace", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member" });

  const created = await app.request(
    "/api/admin/users",
    json(
      { name: "Carol", email: "Carol@acme.test", username: "carol", role: "member", password: "carols password" },
      admin.auth,
    ),
  );
  const carol = await created.json();
  const listed = await (await app.request("/api/admin/users/", { headers: admin.auth })).json();
  const promoted = await app.request(
    `/api/admin/users/${users.bob.user.id}`,
    patch({ role: "admin", name: "Robert" }, admin.auth),
  );
  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: "carol@acme.test", password: "carols password" }),
  );

  assert.equal(created.status, 201);
  assert.equal(carol.email, "carol@acme.test");
  assert.equal(carol.invite_url, undefined);
  assert.deepEqual(listed.map((u: { username: string }) => u.username).sort(), ["admin", "bob", "carol"]);
  assert.equal(promoted.status, 200);
  assert.deepEqual([(await promoted.json()).role, "admin"], ["admin", "admin"]);
  assert.equal(login.status, 200);
  await deps.close();
});

Deno.test("members and guests get 403 on every admin users endpoint", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member", dan: "guest" });
  const allowed = await app.request("/api/admin/users", { headers: admin.auth });

  for (const who of [users.bob, users.dan]) {
    const list = await app.request("/api/admin/users", { headers: who.auth });
    const create = await app.request(
      "/api/admin/users",
      json({ name: "Eve", email: "eve@acme.test", role: "admin", password: "eves password" }, who.auth),
    );
    const promote = await app.request(`/api/admin/users/${who.user.id}`, patch({ role: "admin" }, who.auth));
    assert.deepEqual([list.status, create.status, promote.status], [403, 403, 403]);
  }

  assert.equal(allowed.status, 200);
  const after = await (await app.request("/api/admin/users", { headers: admin.auth })).json();
  assert.equal(after.length, 3, "nobody was created");
  assert.ok(after.every((u: { role: string; username: string }) => u.role !== "admin" || u.username === "admin"));
  await deps.close();
});

Deno.test("without a session the admin users API answers 401", async () => {
  const { app, deps } = await testApp();

  const res = await app.request("/api/admin/users");

  assert.equal(res.status, 401);
  await deps.close();
});

Deno.test("a deactivated user's existing token stops working at once", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member" });
  const before = await app.request("/api/me", { headers: users.bob.auth });

  const off = await app.request(`/api/admin/users/${users.bob.user.id}`, patch({ is_active: false }, admin.auth));
  const after = await app.request("/api/me", { headers: users.bob.auth });
  const login = await app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: users.bob.user.email, password: users.bob.password }),
  );
  await app.request(`/api/admin/users/${users.bob.user.id}`, patch({ is_active: true }, admin.auth));
  const reactivated = await app.request("/api/me", { headers: users.bob.auth });

  assert.equal(before.status, 200);
  assert.equal(off.status, 200);
  assert.equal((await off.json()).is_active, false);
  assert.equal(after.status, 401);
  assert.equal(login.status, 401);
  assert.equal(reactivated.status, 401, "old sessions stay revoked after reactivation");
  await deps.close();
});

Deno.test("the last active admin cannot demote or deactivate themself", async () => {
  const { app, deps } = await testApp();
  const { admin } = await seedTenant(deps, "acme");

  const demote = await app.request(`/api/admin/users/${admin.user.id}`, patch({ role: "member" }, admin.auth));
  const deactivate = await app.request(`/api/admin/users/${admin.user.id}`, patch({ is_active: false }, admin.auth));
  const me = await app.request("/api/me", { headers: admin.auth });

  assert.equal(demote.status, 409);
  assert.equal(deactivate.status, 409);
  assert.equal((await me.json()).user.role, "admin");
  await deps.close();
});

Deno.test("duplicate emails and usernames are 409 and bad input is 400", async () => {
  const { app, deps } = await testApp();
  const { admin, users } = await seedTenant(deps, "acme", { bob: "member" });

  const sameEmail = await app.request(
    "/api/admin/users",
    json({ name: "Bob 2", email: "BOB@acme.test", role: "member" }, admin.auth),
  );
  const sameUsername = await app.request(
    "/api/admin/users",
    json({ name: "Bob 3", email: "bob3@acme.test", username: "bob", role: "member" }, admin.auth),
  );
  const badRole = await app.request(
    "/api/admin/users",
    json({ name: "X", email: "x@acme.test", role: "owner" }, admin.auth),
  );
  const badId = await app.request("/api/admin/users/not-a-uuid", patch({ name: "X" }, admin.auth));
  const emptyPatch = await app.request(`/api/admin/users/${users.bob.user.id}`, patch({}, admin.auth));
  const wrongType = await app.request(`/api/admin/users/${users.bob.user.id}`, patch({ is_active: "no" }, admin.auth));
  const unknownId = await app.request(`/api/admin/users/${crypto.randomUUID()}`, patch({ name: "X" }, admin.auth));

  assert.deepEqual(
    [sameEmail.status, sameUsername.status, badRole.status, badId.status, emptyPatch.status, wrongType.status],
    [409, 409, 400, 400, 400, 400],
  );
  assert.equal(unknownId.status, 404);
  const list = await (await app.request("/api/admin/users", { headers: admin.auth })).json();
  assert.equal(list.length, 2);
  assert.equal(list.find((u: { id: string }) => u.id === users.bob.user.id).is_active, true);
  await deps.close();
});
