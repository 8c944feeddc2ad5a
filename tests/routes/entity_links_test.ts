import assert from "node:assert/strict";
import { group, type LiveWorld, liveWorld, post } from "./live_world.ts";

/** A resolver on loopback: answers ids as labels, "slow" after 3 s, "broken" with a 500. */
function startResolver() {
  const requests: { body: { type: string; id: string }; timestamp: string | null; signature: string | null }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.json();
    requests.push({
      body,
      timestamp: req.headers.get("x-parley-timestamp"),
      signature: req.headers.get("x-parley-signature"),
    });
    if (body.id === "slow") await new Promise((r) => setTimeout(r, 3000));
    if (body.id === "broken") return new Response("oops", { status: 500 });
    return Response.json({ label: `Fix <b>login</b> #${body.id}` });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/resolve`, requests, close: () => server.shutdown() };
}

async function configure(w: LiveWorld, resolverUrl?: string) {
  const res = await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [
      { type: "task", url_template: "https://erp.example/tasks/{id}", label_template: "Task #{id}" },
      {
        type: "order",
        url_template: "https://erp.example/orders/{id}?view=1",
        label_template: "Order {id}",
        ...(resolverUrl ? { resolver_url: resolverUrl, resolver_secret: "shared-secret" } : {}),
      },
    ],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function hmac(secret: string, text: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("over HTTP, @type#id of a configured type becomes an entity link; other types stay text", async () => {
  const w = await liveWorld();
  await configure(w);
  const team = await group(w, w.bob, [w.carol]);

  const m = await post(w, w.bob, team, "See @task#45, @task#45 again, @ticket#9 and mail a@task#1.com");
  const read = await w.call(w.carol, "GET", `/messages/${m.id}/`);

  assert.deepEqual(m.entities, [
    { type: "task", id: "45", url: "https://erp.example/tasks/45", label: "Task #45" },
  ]);
  assert.deepEqual(m.mentions, [], "@task is not a username");
  assert.deepEqual(read.body.entities, m.entities);
  await w.close();
});

Deno.test("over HTTP, a resolver on loopback names entities: signed, cached, with fallbacks on timeout and failure", async (t) => {
  const resolver = startResolver();
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  await configure(w, resolver.url);
  const team = await group(w, w.bob, [w.carol]);

  await t.step("an answer becomes the label, as text; the request is signed with the type's secret", async () => {
    const m = await post(w, w.bob, team, "Look at @order#A-7");
    assert.deepEqual(m.entities, [
      { type: "order", id: "A-7", url: "https://erp.example/orders/A-7?view=1", label: "Fix <b>login</b> #A-7" },
    ]);
    const [request] = resolver.requests;
    assert.deepEqual(request.body, { type: "order", id: "A-7" });
    const expected = await hmac("shared-secret", `${request.timestamp}.${JSON.stringify(request.body)}`);
    assert.equal(request.signature, `sha256=${expected}`);
  });

  await t.step("a second mention within ten minutes is answered from the cache", async () => {
    const m = await post(w, w.bob, team, "again @order#A-7");
    assert.equal(m.entities[0].label, "Fix <b>login</b> #A-7");
    assert.equal(resolver.requests.length, 1);
  });

  await t.step("a resolver that fails gives the label template", async () => {
    const m = await post(w, w.bob, team, "@order#broken");
    assert.equal(m.entities[0].label, "Order broken");
  });

  await t.step("a resolver that takes longer than 2 s gives the label template", async () => {
    // the resolver would answer "Fix <b>login</b> #slow" after 3 s
    const m = await post(w, w.bob, team, "@order#slow");
    assert.equal(m.entities[0].label, "Order slow");
  });
  await w.close();
  await resolver.close();
});

Deno.test("over HTTP, without WEBHOOKS_ALLOW_PRIVATE a loopback resolver is never called", async () => {
  const resolver = startResolver();
  const w = await liveWorld();
  await configure(w, resolver.url);
  const team = await group(w, w.bob, [w.carol]);

  const m = await post(w, w.bob, team, "@order#77");
  const named = await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [{
      type: "order",
      url_template: "https://erp.example/o/{id}",
      label_template: "Order {id}",
      resolver_url: `http://localhost:${new URL(resolver.url).port}/resolve`,
    }],
  });
  const byName = await post(w, w.bob, team, "@order#78");

  assert.equal(m.entities[0].label, "Order 77");
  assert.equal(named.status, 200);
  assert.equal(byName.entities[0].label, "Order 78");
  assert.equal(resolver.requests.length, 0);
  await w.close();
  await resolver.close();
});

Deno.test("over HTTP, entity ids are URL-encoded into links and bad entity types are refused", async () => {
  const w = await liveWorld();
  const bad = await Promise.all([
    [{ type: "Task", url_template: "https://x/{id}", label_template: "T" }],
    [{ type: "task", url_template: "javascript:alert(1)//{id}", label_template: "T" }],
    [{ type: "task", url_template: "https://x/{id}", label_template: "T", resolver_url: "ftp://x" }],
    [{ type: "task", url_template: "https://x/{id}", label_template: "T" }, {
      type: "task",
      url_template: "https://y/{id}",
      label_template: "U",
    }],
  ].map((entity_types) => w.call(w.admin, "PUT", "/api/admin/settings", { entity_types })));
  await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [{ type: "doc", url_template: "https://x.example/d?id={id}&x=1", label_template: "Doc {id}" }],
  });
  const team = await group(w, w.bob, [w.carol]);
  const m = await post(w, w.bob, team, "@doc#a_b-C");

  for (const res of bad) assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(m.entities[0].url, "https://x.example/d?id=a_b-C&x=1");
  await w.close();
});
