import assert from "node:assert/strict";
import { Hono } from "hono";
import { catalogFor, LOCALES, matchLocale, translator } from "../i18n/mod.ts";
import { i18n } from "../routes/i18n.ts";
import type { AppEnv } from "../server/env.ts";
import { updateTenantSettings } from "../db/tenants.ts";
import type { TenantId } from "../chat/tenancy.ts";
import { json, seedTenant, testApp, testDeps } from "./helpers.ts";

Deno.test("every catalog has exactly the keys of en.json, each translated and with the same placeholders", () => {
  const en = catalogFor("en");
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  for (const locale of LOCALES) {
    const catalog = catalogFor(locale);
    assert.deepEqual(Object.keys(catalog).sort(), Object.keys(en).sort(), `${locale} keys`);
    for (const [key, text] of Object.entries(catalog)) {
      assert.ok(text.trim().length > 0, `${locale} ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(en[key]), `${locale} ${key} placeholders`);
    }
  }
});

Deno.test("matchLocale maps language tags to the supported locales", () => {
  assert.equal(matchLocale("es-MX"), "es");
  assert.equal(matchLocale("PT"), "pt-BR");
  assert.equal(matchLocale("pt-PT"), "pt-BR");
  assert.equal(matchLocale("en-GB"), "en");
  assert.equal(matchLocale("fr"), undefined);
  assert.equal(matchLocale(""), undefined);
});

Deno.test("translator answers in the chosen locale", () => {
  const t = translator("es");

  assert.equal(t("auth.login"), "Iniciar sesión");
  assert.equal(translator("pt-BR")("auth.logout"), "Sair");
});

Deno.test("a signed-out request takes the language cookie over Accept-Language, which beats English", async () => {
  const deps = await testDeps();
  const app = new Hono<AppEnv>()
    .use((c, next) => {
      c.set("deps", deps);
      return next();
    })
    .use(i18n)
    .get("/", (c) => c.text(`${c.var.locale} ${c.var.t("auth.login")}`));

  const header = await (await app.request("/", { headers: { "accept-language": "fr;q=0.9, pt;q=0.8" } })).text();
  const cookie = await (await app.request("/", {
    headers: { "accept-language": "pt-BR", cookie: "parley_locale=es" },
  })).text();
  const badCookie = await (await app.request("/", { headers: { cookie: "parley_locale=xx" } })).text();
  const none = await (await app.request("/")).text();

  assert.equal(header, "pt-BR Entrar");
  assert.equal(cookie, "es Iniciar sesión");
  assert.equal(badCookie, "en Sign in");
  assert.equal(none, "en Sign in");
  await deps.close();
});

Deno.test("the user's setting beats Accept-Language, which beats the tenant default", async () => {
  const { app, deps } = await testApp();
  const { tenant, users } = await seedTenant(deps, "acme", { bob: "member" });
  await updateTenantSettings(deps.database.db, { tenantId: tenant.id as TenantId, db: deps.database.db }, {
    default_locale: "es",
  });
  const localeOf = async (headers: Record<string, string>) =>
    (await (await app.request("/api/me", { headers: { ...users.bob.auth, ...headers } })).json()).locale;

  const tenantDefault = await localeOf({});
  const accepted = await localeOf({ "accept-language": "pt-BR,pt;q=0.9" });
  const saved = await app.request("/api/me/locale", json({ locale: "en" }, users.bob.auth));
  const userSetting = await localeOf({ "accept-language": "pt-BR,pt;q=0.9" });

  assert.equal(tenantDefault, "es");
  assert.equal(accepted, "pt-BR");
  assert.equal(saved.status, 200);
  assert.equal(userSetting, "en");
  const me = await (await app.request("/api/me", { headers: users.bob.auth })).json();
  assert.equal(me.user.locale, "en");
  await deps.close();
});

Deno.test("the language switcher sets the cookie signed out and redirects a form post back", async () => {
  const { app, deps } = await testApp();

  const res = await app.request("/api/me/locale", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", referer: "http://localhost/login?x=1" },
    body: "locale=pt-BR",
  });
  const bad = await app.request("/api/me/locale", json({ locale: "klingon" }));

  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/login?x=1");
  assert.match(res.headers.get("set-cookie") ?? "", /parley_locale=pt-BR/);
  assert.equal(bad.status, 400);
  await deps.close();
});
