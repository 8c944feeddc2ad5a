import { Hono } from "hono";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { login, logout, signup } from "../../chat/accounts/accounts.ts";
import { verifySession } from "../../chat/accounts/auth.ts";
import { loginSchema, signupSchema } from "../../chat/accounts/schemas.ts";
import { updateOwnProfile } from "../../chat/accounts/users.ts";
import { AppError } from "../../chat/errors.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import { LOCALES } from "../../i18n/mod.ts";
import { LoginPage, SignupPage } from "../../views/auth_pages.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientInfo } from "../../server/security.ts";
import { clearSessionCookie, setLocaleCookie, setSessionCookie } from "../cookies.ts";
import { requireUser, SESSION_COOKIE } from "../middleware.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { formValues, showFormAgain } from "./forms.ts";

// a path on this site only: "//host" would leave it
const SITE_PATH = /^\/(?![/\\])[a-z0-9/_.-]*$/i;

// the switcher posts from every page, signed in or not: a value it cannot take is ignored
const localeForm = z.object({
  locale: z.enum(LOCALES).optional().catch(undefined),
  back: z.string().regex(SITE_PATH).catch("/").default("/"),
});

function authProps(c: Context<AppEnv>, values?: Record<string, string>) {
  return { locale: c.var.locale, t: c.var.t, allowSignup: c.var.deps.config.allowSignup, values };
}

function startSession(c: Context<AppEnv>, token: string, to = "/") {
  setSessionCookie(c, token);
  return c.redirect(to, 303);
}

const loginAgain = showFormAgain((c, values) =>
  c.html(<LoginPage {...authProps(c, values)} error={c.var.t("ui.login_failed")} />, 400)
);
const signupAgain = showFormAgain((c, values) =>
  c.html(<SignupPage {...authProps(c, values)} error={c.var.t("ui.signup_invalid")} />, 400)
);

/** The sign-in page and its form; mounted at /login. */
export const loginRoutes = new Hono<AppEnv>()
  .onError(uiError)
  // a workspace's sign-in link names it: `/login?workspace=acme`
  .get("/", (c) => c.html(<LoginPage {...authProps(c, { workspace: c.req.query("workspace")?.slice(0, 64) ?? "" })} />))
  .post("/", zValidator("form", withoutEmpty(loginSchema), loginAgain), async (c) => {
    const form = c.req.valid("form");
    try {
      return startSession(c, (await login(c.var.deps, { ...form, ...clientInfo(c) })).token);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const message = e.status === 429 ? c.var.t("ui.too_many_attempts") : c.var.t("ui.login_failed");
      return c.html(<LoginPage {...authProps(c, formValues(form))} error={message} />, e.status as 401);
    }
  });

/** The sign-up page and its form, which create a workspace; mounted at /signup. */
export const signupRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .get("/", (c) => {
    if (!c.var.deps.config.allowSignup) return c.redirect("/login", 303);
    return c.html(<SignupPage {...authProps(c)} />);
  })
  .post("/", zValidator("form", withoutEmpty(signupSchema), signupAgain), async (c) => {
    const f = c.req.valid("form");
    try {
      const signedIn = await signup(c.var.deps, {
        workspaceName: f.workspace_name,
        workspaceSlug: f.workspace_slug,
        name: f.name,
        email: f.email,
        password: f.password,
        ...clientInfo(c),
      });
      // the new workspace's address is shown once signed in
      return startSession(c, signedIn.token, "/?welcome");
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const message = e.status === 409
        ? c.var.t("ui.workspace_taken")
        : e.status === 429
        ? c.var.t("ui.too_many_attempts")
        : c.var.t("ui.signup_invalid");
      return c.html(<SignupPage {...authProps(c, formValues(f))} error={message} />, e.status as 400);
    }
  });

/** Sign-out from the page: ends the cookie's session, if it still stands; mounted at /logout. */
export const logoutRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .post("/", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    const claims = token ? await verifySession(c.var.deps.keys, token) : null;
    if (claims) {
      await logout(scopeFor({ db: c.var.deps.database.db, bus: c.var.deps.bus }, claims), claims.sessionId, {
        ip: clientInfo(c).ip,
      });
    }
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

/** The language switcher's form, signed in or out, sent back where it came from; mounted at /ui/locale. */
export const uiLocaleRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .post("/", zValidator("form", localeForm, invalidInput), async (c) => {
    const { locale, back } = c.req.valid("form");
    if (locale) {
      setLocaleCookie(c, locale);
      // a signed-in user's own setting outranks the cookie, so it changes too
      await requireUser(c, () => updateOwnProfile(c.var.scope, { locale }).then(() => {})).catch(() => {});
    }
    return c.redirect(back, 303);
  });
