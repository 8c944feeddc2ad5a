import assert from "node:assert/strict";
import { sessionKeysFrom, signSession, verifySession } from "../../chat/accounts/auth.ts";

const claims = {
  sessionId: crypto.randomUUID(),
  userId: crypto.randomUUID(),
  tenantId: crypto.randomUUID(),
  role: "member" as const,
};

Deno.test("a verified token is remembered only for itself, with these keys, until it expires", async () => {
  const keys = await sessionKeysFrom("session-token-test-secret-session-token-test");
  const token = await signSession(keys, claims, 1);
  assert.deepEqual(await verifySession(keys, token), claims);
  assert.deepEqual(await verifySession(keys, token), claims);

  // a forged signature next to the remembered token is still checked
  const [head, body, signature] = token.split(".");
  const flipped = signature[0] === "A" ? "B" + signature.slice(1) : "A" + signature.slice(1);
  assert.equal(await verifySession(keys, `${head}.${body}.${flipped}`), null);
  // other keys do not share what these verified
  const otherKeys = await sessionKeysFrom("another-secret-another-secret-another-secret");
  assert.equal(await verifySession(otherKeys, token), null);

  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(await verifySession(keys, token), null);
});
