import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { detectFromHeader, type DetectorOptions } from "hono/language";
import { verifySession } from "../chat/accounts/auth.ts";
import type { TenantId } from "../chat/tenancy.ts";
import { findLocalePreferences } from "../db/users.ts";
import { DEFAULT_LOCALE, type Locale, LOCALES, matchLocale, translator } from "../i18n/mod.ts";
import type { AppEnv } from "../server/env.ts";
import { LOCALE_COOKIE } from "./cookies.ts";
import { SESSION_COOKIE, sessionToken } from "./middleware.ts";

const headerOptions: DetectorOptions = {
  order: ["header"],
  lookupQueryString: "lang",
  lookupCookie: LOCALE_COOKIE,
  lookupFromPathIndex: 0,
  caches: false,
  debug: false,
  supportedLanguages: [...LOCALES],
  fallbackLanguage: DEFAULT_LOCALE,
  lookupFromHeaderKey: "accept-language",
  ignoreCase: true,
  // browsers send pt, pt-PT or pt-BR; the one Portuguese catalog is pt-BR
  convertDetectedLanguage: (tag: string) => matchLocale(tag) ?? tag,
};

/** The tenant's default language from its settings (`default_locale`). */
export function tenantDefaultLocale(settings: Record<string, unknown> | null | undefined): Locale | undefined {
  return matchLocale(typeof settings?.default_locale === "string" ? settings.default_locale : undefined);
}

/**
 * Picks the language of a request: the signed-in user's own setting, then the language
 * cookie (the switcher on signed-out pages), then Accept-Language, then the workspace's
 * default, then English.
 */
export async function negotiateLocale(c: Context<AppEnv>): Promise<Locale> {
  // JSON endpoints answer in no language except /api/me, which reports it: the hot chat
  // paths skip the preference lookup (one query per request) and use headers only
  const path = c.req.path;
  const prefs = path.startsWith("/api/") && !path.startsWith("/api/me") ? undefined : await signedInPreferences(c);
  return matchLocale(prefs?.locale) ??
    matchLocale(getCookie(c, LOCALE_COOKIE)) ??
    (detectFromHeader(c, headerOptions) as Locale | undefined) ??
    tenantDefaultLocale(prefs?.settings) ??
    DEFAULT_LOCALE;
}

// The language is needed before (and without) authentication, so this reads only the
// preference: a revoked or deactivated session still fails later in `requireUser`.
async function signedInPreferences(c: Context<AppEnv>) {
  const found = sessionToken(c, getCookie(c, SESSION_COOKIE));
  if (!found) return undefined;
  const claims = await verifySession(c.var.deps.keys, found.token);
  if (!claims) return undefined;
  const scope = { tenantId: claims.tenantId as TenantId, db: c.var.deps.database.db };
  return await findLocalePreferences(scope, claims.userId);
}

/** Sets `c.var.locale` and `c.var.t` for every request. */
export const i18n = createMiddleware<AppEnv>(async (c, next) => {
  const locale = await negotiateLocale(c);
  c.set("locale", locale);
  c.set("t", translator(locale));
  await next();
});
