import { Hono } from "hono";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { login } from "../../chat/accounts/accounts.ts";
import { loginSchema } from "../../chat/accounts/schemas.ts";
import { AppError } from "../../chat/errors.ts";
import { embedOriginsBySlug, loadEmbedSettings } from "../../chat/embed/settings.ts";
import { getWorkspace } from "../../chat/accounts/workspace.ts";
import { SignedOutWidgetPage, WidgetPage, WidgetRoot } from "../../views/widget_page.tsx";
import { LoginPage } from "../../views/auth_pages.tsx";
import { WidgetHandoffPage } from "../../views/widget_handoff.tsx";
import type { EmbedContext } from "../../views/layout.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientInfo, contentSecurityPolicy } from "../../server/security.ts";
import { setSessionCookie } from "../cookies.ts";
import { SESSION_COOKIE, sessionToken } from "../middleware.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { optionalPageUser, requirePageUser } from "./middleware.ts";
import { formValues, showFormAgain } from "./forms.ts";
import { loadShell } from "./shell.ts";

const widgetQuery = z.object({ workspace: z.string().regex(/^[a-z0-9-]{1,64}$/).optional() });

/**
 * Who may frame the widget: Parley itself, and the origins the workspace allows. A host not
 * on the list gets a frame the browser refuses to show.
 */
async function embedContext(c: Context<AppEnv>, slug: string | undefined): Promise<EmbedContext> {
  const signedIn = c.var.scope;
  if (signedIn && (!slug || slug === (await getWorkspace(signedIn)).slug)) {
    return {
      workspace: (await getWorkspace(signedIn)).slug,
      origins: (await loadEmbedSettings(signedIn)).embed_origins,
    };
  }
  return { workspace: slug ?? "", origins: slug ? await embedOriginsBySlug(c.var.deps.database.db, slug) : [] };
}

const loginAgain = showFormAgain((c, values) =>
  c.html(<LoginPage {...popupLoginProps(c, values)} error={c.var.t("ui.login_failed")} />, 400)
);

function popupLoginProps(c: Context<AppEnv>, values?: Record<string, string>) {
  return { locale: c.var.locale, t: c.var.t, allowSignup: false, values, path: "/widget/sign-in" };
}

/**
 * The embeddable widget (`/widget?workspace=<slug>`), and its password sign-in popup
 * (`/widget/sign-in`), which hands the session to the widget that opened it.
 */
export const widgetPageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .get("/", optionalPageUser, zValidator("query", widgetQuery, invalidInput), async (c) => {
    const embed = await embedContext(c, c.req.valid("query").workspace);
    c.header("Content-Security-Policy", contentSecurityPolicy(["'self'", ...embed.origins]));
    c.header("Cache-Control", "no-store");
    if (c.var.scope && embed.workspace === (await getWorkspace(c.var.scope)).slug) {
      return c.html(<WidgetPage {...await loadShell(c, "/widget")} embed={embed} />);
    }
    return c.html(<SignedOutWidgetPage locale={c.var.locale} t={c.var.t} embed={embed} />);
  })
  .get("/sign-in", optionalPageUser, zValidator("query", widgetQuery, invalidInput), (c) => {
    c.header("Cache-Control", "no-store");
    // the popup talks back to the widget that opened it, inside another site's page
    c.header("Cross-Origin-Opener-Policy", "unsafe-none");
    const token = c.var.user ? sessionToken(c, getCookie(c, SESSION_COOKIE))?.token : undefined;
    if (token) return c.html(<WidgetHandoffPage locale={c.var.locale} t={c.var.t} token={token} />);
    const workspace = c.req.valid("query").workspace;
    return c.html(<LoginPage {...popupLoginProps(c, workspace ? { workspace } : undefined)} />);
  })
  .post("/sign-in", zValidator("form", withoutEmpty(loginSchema), loginAgain), async (c) => {
    const form = c.req.valid("form");
    try {
      setSessionCookie(c, (await login(c.var.deps, { ...form, ...clientInfo(c) })).token);
      c.header("Cross-Origin-Opener-Policy", "unsafe-none");
      return c.redirect("/widget/sign-in", 303);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const message = e.status === 429 ? c.var.t("ui.too_many_attempts") : c.var.t("ui.login_failed");
      return c.html(<LoginPage {...popupLoginProps(c, formValues(form))} error={message} />, e.status as 401);
    }
  });

/** The signed-in widget as a fragment, for a widget that just got its session; mounted at /ui/widget. */
export const uiWidgetRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/", async (c) => c.html(<WidgetRoot {...await loadShell(c, "/widget")} />));
