import assert from "node:assert/strict";
import { base64url, exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { type LiveWorld, liveWorld } from "./live_world.ts";
import type { SeededUser } from "../helpers.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const nowS = NOW / 1000;

/** A live world whose clock stands at NOW, with an SSO secret for "acme" and one for "other". */
async function ssoWorld() {
  const w = await liveWorld();
  w.deps.now = () => NOW;
  const acme = await w.call(w.admin, "POST", "/api/admin/sso/secrets");
  const other = await w.call(w.outsider, "POST", "/api/admin/sso/secrets");
  assert.equal(acme.status, 201);
  return {
    w,
    acme: acme.body as { kid: string; secret: string },
    other: other.body as { kid: string; secret: string },
  };
}

function claims(extra: JWTPayload = {}): JWTPayload {
  return { sub: "host-42", aud: "acme", iat: nowS, exp: nowS + 300, jti: crypto.randomUUID(), ...extra };
}

function hs256(secret: { kid: string; secret: string }, payload: JWTPayload, kid = secret.kid) {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", kid })
    .sign(new TextEncoder().encode(secret.secret));
}

async function sso(w: LiveWorld, token: string) {
  const res = await fetch(`${w.url}/api/auth/sso`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null,
  };
}

const bearer = (token: string): SeededUser["auth"] => ({ authorization: `Bearer ${token}` });

Deno.test("SSO over HTTP: an HS256 token signs the host's user in once, creating then updating them by external id", async () => {
  const { w, acme } = await ssoWorld();

  const first = await sso(w, await hs256(acme, claims({ name: "Hilda Host", email: "Hilda@Host.test" })));
  const me = await fetch(`${w.url}/api/me`, { headers: bearer(first.body.token) });
  const second = await sso(w, await hs256(acme, claims({ name: "Hilda H.", role: "guest" })));
  const rows = await w.deps.database.client.execute(
    "SELECT name, email, role, external_id FROM users WHERE external_id = 'host-42'",
  );
  const audit = await w.deps.database.client.execute("SELECT action FROM audit_log WHERE action = 'login.sso'");

  assert.equal(first.status, 200);
  assert.equal(typeof first.body.token, "string");
  assert.equal(first.body.user.name, "Hilda Host");
  assert.equal(first.body.user.email, "hilda@host.test");
  assert.equal(first.body.user.role, "member");
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.id, first.body.user.id);
  assert.equal(second.status, 200);
  assert.equal(second.body.user.id, first.body.user.id, "the same user, found by external id");
  assert.deepEqual(rows.rows.map((r) => [r.name, r.email, r.role]), [["Hilda H.", "hilda@host.test", "guest"]]);
  assert.equal(audit.rows.length, 2);
  await w.close();
});

Deno.test("SSO secrets: created once with the secret, listed without it, admins only, retired ones stop working", async () => {
  const { w, acme } = await ssoWorld();
  const second = await w.call(w.admin, "POST", "/api/admin/sso/secrets");

  const listed = await w.call(w.admin, "GET", "/api/admin/sso/secrets");
  const byMember = await w.call(w.bob, "POST", "/api/admin/sso/secrets");
  const listByMember = await w.call(w.bob, "GET", "/api/admin/sso/secrets");
  const otherTenantDelete = await w.call(w.outsider, "DELETE", `/api/admin/sso/secrets/${acme.kid}`);
  const bothWork = [await sso(w, await hs256(acme, claims())), await sso(w, await hs256(second.body, claims()))];
  const retired = await w.call(w.admin, "DELETE", `/api/admin/sso/secrets/${acme.kid}`);
  const retiredAgain = await w.call(w.admin, "DELETE", `/api/admin/sso/secrets/${acme.kid}`);
  const afterRetire = await sso(w, await hs256(acme, claims()));
  const stillListed = await w.call(w.admin, "GET", "/api/admin/sso/secrets");

  assert.match(acme.kid, /^k_/);
  assert.ok(acme.secret.length >= 40);
  assert.deepEqual(listed.body.map((s: { kid: string }) => s.kid), [acme.kid, second.body.kid]);
  assert.ok(listed.body.every((s: object) => !("secret" in s) && "created_at" in s));
  assert.equal(byMember.status, 403);
  assert.equal(listByMember.status, 403);
  assert.equal(otherTenantDelete.status, 404);
  assert.deepEqual(bothWork.map((r) => r.status), [200, 200], "two secrets valid during a rotation");
  assert.equal(retired.status, 204);
  assert.equal(retiredAgain.status, 404);
  assert.equal(afterRetire.status, 401);
  assert.deepEqual(stillListed.body.map((s: { kid: string }) => s.kid), [second.body.kid]);
  await w.close();
});

Deno.test("SSO over HTTP: RS256 and ES256 tokens verify against the workspace's JWKS served on loopback", async () => {
  const { w } = await ssoWorld();
  const rsa = await generateKeyPair("RS256");
  const ec = await generateKeyPair("ES256");
  const keys = [
    { ...await exportJWK(rsa.publicKey), kid: "rsa-1", alg: "RS256", use: "sig" },
    { ...await exportJWK(ec.publicKey), kid: "ec-1", alg: "ES256", use: "sig" },
  ];
  const jwks = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => Response.json({ keys }));
  const jwksUrl = `http://127.0.0.1:${jwks.addr.port}/.well-known/jwks.json`;
  const stranger = await generateKeyPair("RS256");
  const sign = (key: Parameters<SignJWT["sign"]>[0], alg: string, kid: string, payload = claims()) =>
    new SignJWT(payload).setProtectedHeader({ alg, kid }).sign(key);

  const beforeSetting = await sso(w, await sign(rsa.privateKey, "RS256", "rsa-1"));
  const set = await w.call(w.admin, "PUT", "/api/admin/settings", { sso_jwks_url: jwksUrl });
  const viaRsa = await sso(w, await sign(rsa.privateKey, "RS256", "rsa-1"));
  const viaEc = await sso(w, await sign(ec.privateKey, "ES256", "ec-1", claims({ sub: "host-ec" })));
  const wrongKey = await sso(w, await sign(stranger.privateKey, "RS256", "rsa-1"));
  const otherWorkspace = await sso(w, await sign(rsa.privateKey, "RS256", "rsa-1", claims({ aud: "other" })));

  assert.equal(beforeSetting.status, 401);
  assert.equal(set.status, 200);
  assert.equal(set.body.sso_jwks_url, jwksUrl);
  assert.equal(viaRsa.status, 200);
  assert.equal(viaEc.status, 200);
  assert.equal(wrongKey.status, 401);
  assert.equal(otherWorkspace.status, 401, "another workspace has no JWKS configured");
  await jwks.shutdown();
  await w.close();
});

Deno.test("SSO over HTTP: every refused token gets the same 401, byte for byte, and changes nothing", async () => {
  const { w, acme, other } = await ssoWorld();
  const deactivated = await sso(w, await hs256(acme, claims({ sub: "gone", email: "gone@host.test" })));
  await w.call(w.admin, "PATCH", `/api/admin/users/${deactivated.body.user.id}`, { is_active: false });
  const replayed = await hs256(acme, claims({ sub: "replay" }));
  const firstUse = await sso(w, replayed);
  const raw = (header: object, payload: object) =>
    `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`;
  const usersBefore = await w.deps.database.client.execute("SELECT count(*) AS n FROM users");

  const attempts: Record<string, string> = {
    expired: await hs256(acme, claims({ iat: nowS - 900, exp: nowS - 1 })),
    "not yet valid (nbf)": await hs256(acme, claims({ nbf: nowS + 120 })),
    "issued in the future": await hs256(acme, claims({ iat: nowS + 120 })),
    "expiry too far ahead": await hs256(acme, claims({ exp: nowS + 601 })),
    "no expiry": await hs256(acme, claims({ exp: undefined })),
    "no jti": await hs256(acme, claims({ jti: undefined })),
    "no sub": await hs256(acme, claims({ sub: undefined })),
    "wrong aud": await hs256(acme, claims({ aud: "other" })),
    "unknown aud": await hs256(acme, claims({ aud: "nowhere" })),
    "wrong key": await hs256({ kid: acme.kid, secret: "not-the-secret-not-the-secret-not-the" }, claims()),
    "unknown kid": await hs256(acme, claims(), "k_unknown"),
    "another workspace's secret": await hs256(other, claims()),
    "another workspace's secret named by acme's kid": await hs256(other, claims(), acme.kid),
    "alg none": raw({ alg: "none", kid: acme.kid }, claims()),
    "alg none (jose)": new UnsecuredJWT(claims()).encode(),
    "role escalation": await hs256(acme, claims({ sub: "climber", role: "admin" })),
    "unknown role": await hs256(acme, claims({ sub: "climber", role: "owner" })),
    "replayed jti": replayed,
    "deactivated user": await hs256(acme, claims({ sub: "gone" })),
    "email of a password account": await hs256(acme, claims({ sub: "taker", email: "bob@acme.test" })),
    "room of an unknown type": await hs256(acme, claims({ sub: "roomer", rooms: [{ type: "nope", id: "1" }] })),
    garbage: "not.a.jwt",
  };
  const answers = Object.fromEntries(
    await Promise.all(Object.entries(attempts).map(async ([name, token]) => [name, await sso(w, token)] as const)),
  );
  const usersAfter = await w.deps.database.client.execute("SELECT count(*) AS n FROM users");
  const bob = await w.deps.database.client.execute("SELECT external_id FROM users WHERE email = 'bob@acme.test'");

  assert.equal(deactivated.status, 200);
  assert.equal(firstUse.status, 200);
  const reference = answers.expired;
  assert.equal(reference.status, 401);
  assert.equal(reference.body.error.code, "unauthenticated");
  for (const [name, answer] of Object.entries(answers)) {
    assert.equal(answer.status, 401, name);
    assert.equal(answer.text, reference.text, `${name}: same body`);
  }
  // "roomer" is created before its room fails; nobody else
  assert.ok(Number(usersAfter.rows[0].n) - Number(usersBefore.rows[0].n) <= 1);
  assert.equal(bob.rows[0].external_id, null, "an email alone never binds an account");
  await w.close();
});

Deno.test("SSO: admins only when the workspace allows it", async () => {
  const { w, acme } = await ssoWorld();

  const refused = await sso(w, await hs256(acme, claims({ role: "admin" })));
  await w.call(w.admin, "PUT", "/api/admin/settings", { sso_allow_admin: true });
  const allowed = await sso(w, await hs256(acme, claims({ role: "admin" })));

  assert.equal(refused.status, 401);
  assert.equal(allowed.status, 200);
  assert.equal(allowed.body.user.role, "admin");
  await w.close();
});

Deno.test("SSO: room grants create and join context rooms; a guest joins an existing one", async () => {
  const { w, acme } = await ssoWorld();
  await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [{ type: "order", url_template: "https://erp.example/orders/{id}", label_template: "Order {id}" }],
  });

  const hilda = await sso(w, await hs256(acme, claims({ rooms: [{ type: "order", id: "77", title: "Order 77" }] })));
  const ivan = await sso(w, await hs256(acme, claims({ sub: "host-43", rooms: [{ type: "order", id: "77" }] })));
  const guest = await sso(
    w,
    await hs256(acme, claims({ sub: "client-1", role: "guest", rooms: [{ type: "order", id: "77" }] })),
  );
  const guestMissing = await sso(
    w,
    await hs256(acme, claims({ sub: "client-2", role: "guest", rooms: [{ type: "order", id: "78" }] })),
  );
  const room = await fetch(`${w.url}/api/chat/context/order/77/`, { headers: bearer(guest.body.token) });
  const roomBody = await room.json();
  const rooms = await w.deps.database.client.execute(
    "SELECT title, context_id FROM conversations WHERE context_type = 'order'",
  );

  assert.deepEqual([hilda.status, ivan.status, guest.status, guestMissing.status], [200, 200, 200, 200]);
  assert.equal(room.status, 200);
  assert.equal(roomBody.title, "Order 77");
  assert.deepEqual(
    roomBody.participants.map((p: { id: string }) => p.id).sort(),
    [hilda.body.user.id, ivan.body.user.id, guest.body.user.id].sort(),
  );
  assert.deepEqual(rooms.rows.map((r) => r.context_id), ["77"], "a guest never creates one");
  await w.close();
});

Deno.test("settings: embed origins and the JWKS URL are validated; unknown shapes are 400 and change nothing", async () => {
  const w = await liveWorld();
  const good = [
    "https://erp.example.com",
    "https://*.example.com",
    "https://portal.example.com:8443",
    "http://localhost:3000",
    "http://127.0.0.1:9",
  ];

  const saved = await w.call(w.admin, "PUT", "/api/admin/settings", { embed_origins: good });
  const bad = await Promise.all(
    [
      ["https://erp.example.com/path"],
      ["http://erp.example.com"],
      ["https://*.com"],
      ["*"],
      ["https://*"],
      ["javascript:alert(1)"],
      ["https://erp.example.com'; script-src *"],
    ].map((origins) => w.call(w.admin, "PUT", "/api/admin/settings", { embed_origins: origins })),
  );
  const badJwks = await w.call(w.admin, "PUT", "/api/admin/settings", { sso_jwks_url: "http://jwks.example.com/k" });
  const byMember = await w.call(w.bob, "PUT", "/api/admin/settings", { embed_origins: [] });
  const after = await w.call(w.admin, "GET", "/api/admin/settings");

  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.embed_origins, good);
  assert.deepEqual(bad.map((r) => r.status), bad.map(() => 400));
  assert.equal(badJwks.status, 400);
  assert.equal(byMember.status, 403);
  assert.deepEqual(after.body.embed_origins, good);
  assert.equal(after.body.sso_jwks_url, null);
  assert.equal(after.body.sso_allow_admin, false);
  await w.close();
});
