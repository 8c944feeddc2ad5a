import { Hono } from "hono";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { login, logout, signup } from "../chat/accounts/accounts.ts";
import { AppError } from "../chat/errors.ts";
import { verifySession } from "../chat/accounts/auth.ts";
import { updateOwnProfile } from "../chat/accounts/users.ts";
import { scopeFor } from "../chat/tenancy.ts";
import { isLocale } from "../i18n/mod.ts";
import { LoginPage, SignupPage } from "../views/auth_pages.tsx";
import type { AppEnv } from "../server/env.ts";
import { requireUser, SESSION_COOKIE } from "./middleware.ts";
import { clearSessionCookie, setLocaleCookie, setSessionCookie } from "./cookies.ts";
import { clientIp } from "../server/security.ts";
import { displayText, text } from "../chat/text.ts";

const loginForm = z.object({
  workspace: text().trim().min(1).max(64),
  email: text().trim().min(3).max(254),
  password: text().min(1).max(1024),
});

const signupForm = z.object({
  workspace_name: displayText().max(100),
  workspace_slug: text().trim().max(64).regex(/^([a-z0-9][a-z0-9-]*)?$/).optional().transform((s) => s || undefined),
  name: displayText().max(100),
  email: text().pipe(z.email().max(254)),
  password: text().min(8).max(1024),
});

function startSession(c: Context<AppEnv>, token: string) {
  setSessionCookie(c, token);
  return c.redirect("/", 303);
}

function formValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).filter(([k, v]) => k !== "password" && typeof v === "string") as [string, string][],
  );
}

export const uiAuthRoutes = new Hono<AppEnv>();

uiAuthRoutes.get("/login", (c) => {
  const props = { locale: c.var.locale, t: c.var.t, allowSignup: c.var.deps.config.allowSignup };
  return c.html(<LoginPage {...props} />);
});

uiAuthRoutes.post("/login", async (c) => {
  const body = await c.req.parseBody();
  const props = { locale: c.var.locale, t: c.var.t, allowSignup: c.var.deps.config.allowSignup };
  const parsed = loginForm.safeParse(body);
  if (!parsed.success) {
    return c.html(<LoginPage {...props} error={c.var.t("ui.login_failed")} values={formValues(body)} />, 400);
  }
  try {
    const signedIn = await login(c.var.deps, {
      ...parsed.data,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
    });
    return startSession(c, signedIn.token);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const message = e.status === 429 ? c.var.t("ui.too_many_attempts") : c.var.t("ui.login_failed");
    return c.html(<LoginPage {...props} error={message} values={formValues(body)} />, e.status as 401);
  }
});

uiAuthRoutes.get("/signup", (c) => {
  if (!c.var.deps.config.allowSignup) return c.redirect("/login", 303);
  return c.html(<SignupPage locale={c.var.locale} t={c.var.t} allowSignup />);
});

uiAuthRoutes.post("/signup", async (c) => {
  const body = await c.req.parseBody();
  const props = {
    locale: c.var.locale,
    t: c.var.t,
    allowSignup: c.var.deps.config.allowSignup,
    values: formValues(body),
  };
  const parsed = signupForm.safeParse(body);
  if (!parsed.success) {
    return c.html(<SignupPage {...props} error={c.var.t("ui.signup_invalid")} />, 400);
  }
  const f = parsed.data;
  try {
    const signedIn = await signup(c.var.deps, {
      workspaceName: f.workspace_name,
      workspaceSlug: f.workspace_slug,
      name: f.name,
      email: f.email,
      password: f.password,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
    });
    return startSession(c, signedIn.token);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const message = e.status === 409
      ? c.var.t("ui.workspace_taken")
      : e.status === 429
      ? c.var.t("ui.too_many_attempts")
      : c.var.t("ui.signup_invalid");
    return c.html(<SignupPage {...props} error={message} />, e.status as 400);
  }
});

uiAuthRoutes.post("/logout", async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  const claims = token ? await verifySession(c.var.deps.keys, token) : null;
  if (claims) {
    await logout(scopeFor({ db: c.var.deps.database.db, bus: c.var.deps.bus }, claims), claims.sessionId, {
      ip: clientIp(c),
    });
  }
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});

uiAuthRoutes.post("/ui/locale", async (c) => {
  const body = await c.req.parseBody();
  const locale = isLocale(body.locale) ? body.locale : null;
  if (locale) {
    setLocaleCookie(c, locale);
    // a signed-in user's own setting outranks the cookie, so it changes too
    await requireUser(c, () => updateOwnProfile(c.var.scope, { locale }).then(() => {})).catch(() => {});
  }
  // a path on this site only: "//host" would leave it
  const back = typeof body.back === "string" && /^\/(?![/\\])[a-z0-9/_.-]*$/i.test(body.back) ? body.back : "/";
  return c.redirect(back, 303);
});
