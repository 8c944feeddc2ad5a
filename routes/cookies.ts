import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_TTL_SECONDS } from "../chat/accounts/auth.ts";
import type { Locale } from "../i18n/mod.ts";
import type { AppEnv } from "../server/env.ts";
import { SESSION_COOKIE } from "./middleware.ts";

export const LOCALE_COOKIE = "parley_locale";

/** Puts a session token in the browser: HttpOnly, SameSite=Lax, Secure under https. */
export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.deps.config.secure,
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
  });
}

/** Removes the session cookie (logout). */
export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: c.var.deps.config.secure });
}

/** Remembers a chosen language, also for signed-out pages. */
export function setLocaleCookie(c: Context<AppEnv>, locale: Locale): void {
  setCookie(c, LOCALE_COOKIE, locale, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.deps.config.secure,
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
}
