import assert from "node:assert/strict";
import { json, seedTenant, testApp } from "../helpers.ts";

type TestApp = Awaited<ReturnType<typeof testApp>>;

async function invite(t: TestApp, email = "frank@acme.test") {
  const { admin } = await seedTenant(t.deps, "acme");
  const created = await t.app.request("/api/admin/users", json({ name: "Frank", email, role: "member" }, admin.auth));
  const url = new URL((await created.json()).invite_url as string);
  return { admin, path: url.pathname };
}

function post(t: TestApp, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return t.app.request(path, { method: "POST", headers, body: new URLSearchParams(fields) });
}

Deno.test("the invite link opens a page to choose a name and password, in the visitor's language", async () => {
  const t = await testApp();
  const { path } = await invite(t);

  const en = await t.app.request(path);
  const es = await t.app.request(path, { headers: { "accept-language": "es-MX,es;q=0.9" } });
  const pt = await t.app.request(path, { headers: { "accept-language": "pt" } });
  const html = await en.text();

  assert.equal(en.status, 200);
  assert.equal(en.headers.get("cache-control"), "no-store");
  assert.match(html, /Join ACME/);
  assert.match(html, /frank@acme\.test/);
  assert.match(html, new RegExp(`<form method="post" action="${path.replace(/[.]/g, "\\.")}"`));
  assert.match(html, /name="name"[^>]*value="Frank"/);
  assert.match(html, /type="password"[^>]*autocomplete="new-password"/);
  assert.match(await es.text(), /Únete a ACME/);
  assert.match(await pt.text(), /Entre em ACME/);
  await t.deps.close();
});

Deno.test("posting the invite form sets name and password, signs in, and uses the link up", async () => {
  const t = await testApp();
  const { path } = await invite(t);

  const accepted = await post(t, path, { name: "  Frank Castle ", password: "franks new password" });
  const cookie = (accepted.headers.get("set-cookie") ?? "").split(";")[0];
  const me = await t.app.request("/api/me", { headers: { cookie } });
  const home = await t.app.request("/", { headers: { cookie } });
  const reopened = await t.app.request(path);
  const reused = await post(t, path, { name: "Mallory", password: "mallorys password" });
  const login = await t.app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: "frank@acme.test", password: "franks new password" }),
  );

  assert.equal(accepted.status, 303);
  assert.equal(accepted.headers.get("location"), "/");
  assert.match(cookie, /^parley_session=./);
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.name, "Frank Castle");
  assert.equal(home.status, 200);
  assert.equal(reopened.status, 404);
  assert.match(await reopened.text(), /invalid, expired or already used/);
  assert.equal(reused.status, 404);
  assert.equal(reused.headers.get("set-cookie"), null);
  assert.equal(login.status, 200);
  await t.deps.close();
});

Deno.test("a short password or empty name re-shows the form with 400 and leaves the link usable", async () => {
  const t = await testApp();
  const { path } = await invite(t);

  const short = await post(t, path, { name: "Frank", password: "short" });
  const noName = await post(t, path, { name: "   ", password: "long enough password" });
  const stillOpen = await t.app.request(path);

  assert.equal(short.status, 400);
  const shortHtml = await short.text();
  assert.match(shortHtml, /at least 8 characters/);
  assert.doesNotMatch(shortHtml, /value="short"/);
  assert.equal(short.headers.get("set-cookie"), null);
  assert.equal(noName.status, 400);
  assert.equal(stillOpen.status, 200);
  await t.deps.close();
});

Deno.test("tampered, foreign and session tokens in an invite link get the not-valid page, never a session", async () => {
  const t = await testApp();
  const { admin, path } = await invite(t);
  const token = path.split("/").at(-1)!;
  const tampered = `${token.slice(0, -2)}xx`;

  const pages = [
    await t.app.request(`/invite/${tampered}`),
    await t.app.request("/invite/garbage"),
    await t.app.request(`/invite/${admin.token}`),
  ];
  const posts = [
    await post(t, `/invite/${tampered}`, { name: "Eve", password: "eves password!" }),
    await post(t, `/invite/${admin.token}`, { name: "Eve", password: "eves password!" }),
  ];
  const adminLogin = await t.app.request(
    "/api/auth/login",
    json({ workspace: "acme", email: admin.user.email, password: admin.password }),
  );

  for (const res of [...pages, ...posts]) {
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("set-cookie"), null);
    assert.match(await res.text(), /invalid, expired or already used/);
  }
  assert.equal(adminLogin.status, 200, "the admin's password was not replaced");
  await t.deps.close();
});

Deno.test("the language switcher on the invite page comes back to the same link, and never to another host", async () => {
  const t = await testApp();
  const { path } = await invite(t);

  const back = await post(t, "/ui/locale", { locale: "es", back: path });
  const offsite = await post(t, "/ui/locale", { locale: "es", back: "//evil.example/x" });
  const backslash = await post(t, "/ui/locale", { locale: "es", back: "/\\evil.example" });

  assert.equal(back.status, 303);
  assert.equal(back.headers.get("location"), path);
  assert.equal(offsite.headers.get("location"), "/");
  assert.equal(backslash.headers.get("location"), "/");
  await t.deps.close();
});
