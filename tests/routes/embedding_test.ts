import assert from "node:assert/strict";
import { liveWorld, post } from "./live_world.ts";
import { group } from "./live_world.ts";

const HOST = "https://erp.example.com";

Deno.test("over HTTP, /widget may be framed by the workspace's embed origins, other pages by Parley only", async () => {
  const w = await liveWorld();
  await w.call(w.admin, "PUT", "/api/admin/settings", { embed_origins: [HOST, "https://*.portal.example.com"] });

  const widget = await fetch(`${w.url}/widget?workspace=acme`);
  const widgetHtml = await widget.text();
  const unknown = await fetch(`${w.url}/widget?workspace=nowhere`);
  await unknown.body?.cancel();
  const other = await fetch(`${w.url}/widget?workspace=other`);
  await other.body?.cancel();
  const login = await fetch(`${w.url}/login`);
  await login.body?.cancel();
  const badSlug = await fetch(`${w.url}/widget?workspace=${encodeURIComponent("a b'")}`);
  await badSlug.body?.cancel();

  const ancestors = (res: Response) => /frame-ancestors ([^;]*)/.exec(res.headers.get("content-security-policy")!)?.[1];
  assert.equal(widget.status, 200);
  assert.equal(ancestors(widget), `'self' ${HOST} https://*.portal.example.com`);
  assert.match(widget.headers.get("content-security-policy")!, /script-src 'self'/, "the rest of the policy holds");
  assert.equal(widget.headers.get("x-frame-options"), null);
  assert.equal(widget.headers.get("cache-control"), "no-store");
  assert.match(widgetHtml, /id="sign-in-bar"/, "signed out, the widget is its sign-in bar");
  assert.match(widgetHtml, /data-embed-origins="\[&quot;https:\/\/erp.example.com&quot;/);
  assert.doesNotMatch(widgetHtml, /id="event-stream"/);
  assert.equal(ancestors(unknown), "'self'");
  assert.equal(ancestors(other), "'self'", "another workspace's list is its own");
  assert.equal(ancestors(login), "'self'");
  assert.equal(login.headers.get("x-frame-options"), "SAMEORIGIN");
  assert.equal(badSlug.status, 400);
  await w.close();
});

Deno.test("over HTTP, the widget's requests carry a Bearer session: its fragment, 401 without redirect, CSRF unchanged", async () => {
  const w = await liveWorld();
  const widgetHeaders = { ...w.bob.auth, "x-parley-widget": "1", "hx-request": "true" };

  const fragment = await fetch(`${w.url}/ui/widget`, { headers: widgetHeaders });
  const fragmentHtml = await fragment.text();
  const signedOut = await fetch(`${w.url}/ui/widget`, { headers: { "x-parley-widget": "1", "hx-request": "true" } });
  await signedOut.body?.cancel();
  const page = await fetch(`${w.url}/ui/widget`, { headers: { "hx-request": "true" } });
  await page.body?.cancel();
  const stream = await fetch(`${w.url}/ui/events`, { headers: { ...w.bob.auth, accept: "text/event-stream" } });
  await stream.body?.cancel();
  const crossSiteCookie = await fetch(`${w.url}/ui/groups`, {
    method: "POST",
    headers: {
      cookie: `parley_session=${w.bob.token}`,
      origin: HOST,
      "sec-fetch-site": "cross-site",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "kind=group&title=Sneaky",
  });
  await crossSiteCookie.body?.cancel();

  assert.equal(fragment.status, 200);
  assert.match(fragmentHtml, new RegExp(`id="widget-root" data-user-id="${w.bob.user.id}"`));
  assert.match(fragmentHtml, /hx-sse:connect="\/ui\/events\?after=\d+"/);
  assert.equal(signedOut.status, 401);
  assert.equal(signedOut.headers.get("hx-redirect"), null, "the widget is never sent to the login page");
  assert.equal(page.headers.get("hx-redirect"), "/login");
  assert.equal(stream.status, 200);
  assert.equal(crossSiteCookie.status, 403);
  await w.close();
});

Deno.test("over HTTP, a conversation opened in the widget is not marked read; opened in the app it is", async () => {
  const w = await liveWorld();
  const id = await group(w, w.admin, [w.bob]);
  await post(w, w.admin, id, "one");
  await post(w, w.admin, id, "two");
  const unread = async () =>
    (await w.call(w.bob, "GET", "/conversations/")).body.find((c: { id: string }) => c.id === id).unread_count;

  const inWidget = await fetch(`${w.url}/ui/conversations/${id}`, {
    headers: { ...w.bob.auth, "x-parley-widget": "1", "hx-request": "true" },
  });
  await inWidget.body?.cancel();
  const afterWidget = await unread();
  const inApp = await fetch(`${w.url}/ui/conversations/${id}`, { headers: { ...w.bob.auth, "hx-request": "true" } });
  await inApp.body?.cancel();
  const afterApp = await unread();

  assert.equal(inWidget.status, 200);
  assert.equal(afterWidget, 2);
  assert.equal(afterApp, 0);
  await w.close();
});

Deno.test("over HTTP, /widget.js is small, revalidated at its stable URL and immutable at its hashed one", async () => {
  const w = await liveWorld();

  const loader = await fetch(`${w.url}/widget.js`);
  const body = await loader.text();
  const etag = loader.headers.get("etag")!;
  const again = await fetch(`${w.url}/widget.js`, { headers: { "if-none-match": etag } });
  await again.body?.cancel();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  const hash = Array.from(digest.slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
  const pinned = await fetch(`${w.url}/static/widget-${hash}.js`);
  const pinnedBody = await pinned.text();

  assert.equal(loader.status, 200);
  assert.match(loader.headers.get("content-type")!, /^text\/javascript/);
  assert.equal(loader.headers.get("cache-control"), "public, no-cache");
  assert.ok(etag);
  assert.equal(again.status, 304);
  assert.equal(loader.headers.get("cross-origin-resource-policy"), "cross-origin", "host pages of other sites run it");
  assert.equal(again.headers.get("cross-origin-resource-policy"), "cross-origin", "after revalidation too");
  assert.ok(new TextEncoder().encode(body).length <= 6 * 1024, `widget.js is ${body.length} bytes`);
  assert.doesNotMatch(body, /\bimport\b|\brequire\(/, "no dependencies");
  assert.equal(pinned.status, 200);
  assert.equal(pinned.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(pinnedBody, body);
  await w.close();
});

Deno.test("over HTTP, the sign-in popup signs in with a password and hands over the session it opened", async () => {
  const w = await liveWorld();

  const form = await fetch(`${w.url}/widget/sign-in?workspace=acme`);
  const formHtml = await form.text();
  const signIn = await fetch(`${w.url}/widget/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: w.url },
    body: new URLSearchParams({ workspace: "acme", email: "bob@acme.test", password: w.bob.password }),
    redirect: "manual",
  });
  await signIn.body?.cancel();
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0];
  const handoff = await fetch(`${w.url}/widget/sign-in`, { headers: { cookie } });
  const handoffHtml = await handoff.text();
  const token = /data-session="([^"]+)"/.exec(handoffHtml)?.[1];
  const me = await fetch(`${w.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  assert.match(formHtml, /action="\/widget\/sign-in"/);
  assert.match(formHtml, /value="acme"/);
  assert.equal(signIn.status, 303);
  assert.equal(signIn.headers.get("location"), "/widget/sign-in");
  assert.equal(handoff.headers.get("cache-control"), "no-store");
  assert.equal(handoff.headers.get("x-frame-options"), "SAMEORIGIN", "the popup is never framed");
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.id, w.bob.user.id);
  await w.close();
});
