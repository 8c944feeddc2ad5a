import assert from "node:assert/strict";
import { seedTenant, testApp } from "../helpers.ts";

Deno.test("API activity alone marks a user online in the presence list, only within their tenant", async () => {
  const { app, deps } = await testApp();
  const acme = await seedTenant(deps, "acme", { bob: "member", carol: "member" });
  await seedTenant(deps, "globex", { erin: "member" });
  const onlineOf = async (auth: Record<string, string>) => {
    const res = await app.request("/api/chat/conversations/presence/", { headers: auth });
    assert.equal(res.status, 200);
    const people = await res.json() as { id: string; email: string; is_online: boolean }[];
    return new Map(people.map((p) => [p.email, p.is_online]));
  };

  const before = await onlineOf(acme.admin.auth);
  await app.request("/api/me", { headers: acme.users.bob.auth });
  const after = await onlineOf(acme.admin.auth);

  assert.equal(before.get("bob@acme.test"), false);
  assert.equal(after.get("bob@acme.test"), true);
  assert.equal(after.get("carol@acme.test"), false);
  assert.equal(after.has("erin@globex.test"), false);
  await deps.close();
});
