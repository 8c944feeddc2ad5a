import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { MAX_BODY_BYTES } from "../../server/security.ts";
import { MAX_CONTENT_LENGTH } from "../../chat/messages/messages.ts";
import { seedTenant, testDeps } from "../helpers.ts";

/**
 * The app behind the real node:http server: JSON bodies are read from the connection
 * directly and whole responses are written in one step, so both are checked over sockets.
 */
async function served() {
  const deps = await testDeps();
  const acme = await seedTenant(deps, "acme", { bob: "member" });
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  const created = await fetch(`${server.url}/api/chat/conversations/`, {
    method: "POST",
    headers: { ...acme.admin.auth, "content-type": "application/json" },
    body: JSON.stringify({ kind: "group", title: "Team", participant_ids: [acme.users.bob.user.id] }),
  });
  assert.equal(created.status, 201);
  const conversationId = (await created.json()).id as string;
  const messagesUrl = `${server.url}/api/chat/conversations/${conversationId}/messages/`;
  const count = async () => {
    const res = await fetch(`${messagesUrl}?limit=100`, { headers: acme.admin.auth });
    assert.equal(res.status, 200);
    return (await res.json()).length as number;
  };
  return {
    url: server.url,
    acme,
    messagesUrl,
    count,
    async close() {
      await server.shutdown();
      await deps.close();
    },
  };
}

Deno.test("over HTTP, JSON bodies arrive whole and oversized or malformed ones change nothing", async (t) => {
  const s = await served();
  const headers = { ...s.acme.admin.auth, "content-type": "application/json" };

  await t.step("a message with multi-byte text, split over several TCP reads, is stored as sent", async () => {
    const content = "Grüße 👋 " + "ü".repeat(MAX_CONTENT_LENGTH - 10);
    // fields the API does not know are ignored; this one makes the body span many reads
    const body = JSON.stringify({ content, padding: "z".repeat(300_000) });
    const res = await fetch(s.messagesUrl, { method: "POST", headers, body });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-type"), "application/json");
    const created = await res.json();
    assert.equal(created.content, content);
    // fetch asked for gzip: the 10 KB answer went out compressed and decodes to the message
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.equal(await s.count(), 1);
  });

  await t.step("a body over the limit is a 413, by its declared length or by what arrives", async () => {
    const big = JSON.stringify({ content: "y".repeat(MAX_BODY_BYTES) });
    const declared = await fetch(s.messagesUrl, { method: "POST", headers, body: big });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).error.code, "payload_too_large");
    // no length up front: chunked transfer, counted while it arrives
    const chunked = await fetch(s.messagesUrl, {
      method: "POST",
      headers,
      body: new Blob([big]).stream(),
    });
    assert.equal(chunked.status, 413);
    await chunked.body?.cancel();
    assert.equal(await s.count(), 1);
  });

  await t.step("malformed JSON is a 400 and stores nothing", async () => {
    const res = await fetch(s.messagesUrl, { method: "POST", headers, body: '{"content": "half' });
    assert.equal(res.status, 400);
    await res.body?.cancel();
    assert.equal(await s.count(), 1);
  });

  await t.step("the connection stays usable after each of them", async () => {
    const res = await fetch(s.messagesUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ content: "still here" }),
    });
    assert.equal(res.status, 201);
    await res.body?.cancel();
    assert.equal(await s.count(), 2);
  });

  await t.step("a small answer goes out as it is, with its length, though the client accepts gzip", async () => {
    const before = await s.count();
    const res = await fetch(s.messagesUrl, {
      method: "POST",
      headers: { ...headers, "accept-encoding": "gzip" },
      body: JSON.stringify({ content: "short" }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-encoding"), null);
    const text = await res.text();
    assert.equal(Number(res.headers.get("content-length")), new TextEncoder().encode(text).byteLength);
    assert.equal(JSON.parse(text).content, "short");
    assert.equal(await s.count(), before + 1);
  });

  await s.close();
});

Deno.test("over HTTP, responses keep their headers, cookies, compression and HEAD semantics", async () => {
  const s = await served();
  const login = await fetch(`${s.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workspace: "acme", email: "bob@acme.test", password: s.acme.users.bob.password }),
  });
  assert.equal(login.status, 200);
  const cookies = login.headers.getSetCookie();
  assert.equal(cookies.length, 1);
  assert.match(cookies[0], /HttpOnly/);
  assert.equal(login.headers.get("x-content-type-options"), "nosniff");
  assert.match(login.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  const { token } = await login.json();

  // a long page is compressed for clients that accept it, and decodes to the same page
  const page = await fetch(`${s.url}/`, { headers: { cookie: `parley_session=${token}`, "accept-encoding": "gzip" } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-encoding"), "gzip");
  assert.match(await page.text(), /<html/);

  // a HEAD answer has no body but the headers a GET would have
  const get = await fetch(`${s.url}/healthz`);
  const head = await fetch(`${s.url}/healthz`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-type"), get.headers.get("content-type"));
  assert.match(head.headers.get("content-type") ?? "", /json/);
  await get.body?.cancel();
  await head.body?.cancel();
  await s.close();
});
