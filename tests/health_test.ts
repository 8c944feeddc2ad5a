import assert from "node:assert/strict";
import { testApp } from "./helpers.ts";

Deno.test("GET /healthz and /readyz answer on a migrated database", async () => {
  const { app, deps } = await testApp();

  const health = await app.request("/healthz");
  const ready = await app.request("/readyz");

  assert.equal(health.status, 200);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: "ready" });
  await deps.close();
});
