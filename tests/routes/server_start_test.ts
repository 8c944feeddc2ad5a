import assert from "node:assert/strict";
import { seedDatabaseFile, startInstance } from "../realtime/processes.ts";

/**
 * `deno run main.ts` answers its health check before its route modules are loaded; these
 * tests check that the requests which come right after find every route as before.
 */
Deno.test("a started server answers the first requests after its health check as the complete app", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-start-" });
  const databaseUrl = `file:${dir}/parley.db`;
  const seeded = await seedDatabaseFile(databaseUrl, { bob: "member" });
  const instance = await startInstance({ DATABASE_URL: databaseUrl });
  try {
    const get = (path: string, init: RequestInit = {}) => fetch(`${instance.url}${path}`, init);
    // all at once, right after the first health answer: they wait for the routes together
    const [me, anonymous, login, options, missing, ready, health] = await Promise.all([
      get("/api/me", { headers: { ...seeded.users.bob.auth, "accept-language": "es" } }),
      get("/api/me"),
      get("/login"),
      get("/api/chat/conversations/", { method: "OPTIONS" }),
      get("/no/such/page"),
      get("/readyz"),
      get("/healthz"),
    ]);
    const later = await get("/healthz");

    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.user.id, seeded.users.bob.user.id);
    assert.equal(body.locale, "es", "the language middleware came with the routes");
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).error.code, "unauthenticated");
    assert.equal(login.status, 200);
    assert.match(await login.text(), /<form/);
    assert.match(login.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(options.status, 204);
    assert.match(options.headers.get("allow") ?? "", /GET.*POST/);
    await options.body?.cancel();
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "not_found");
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    // the health check answers the same before and after the routes are in
    const headers = (r: Response) => [...r.headers.keys()].filter((k) => k !== "date" && k !== "content-length");
    assert.deepEqual(headers(later), headers(health));
    assert.deepEqual(await later.json(), { status: "ok" });
  } finally {
    await instance.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
