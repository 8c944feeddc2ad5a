import { Hono } from "hono";
import type { Context } from "hono";
import { zValidator } from "@hono/zod-validator";
import { completeReset, openReset } from "../../chat/accounts/password_reset.ts";
import { acceptInviteSchema } from "../../chat/accounts/schemas.ts";
import { AppError } from "../../chat/errors.ts";
import { ResetPage } from "../../views/reset_page.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientInfo } from "../../server/security.ts";
import { setSessionCookie } from "../cookies.ts";
import { noStore } from "./middleware.ts";
import { uiError } from "./errors.tsx";
import { showFormAgain } from "./forms.ts";

// the same password rules as an invite's first password
const resetForm = acceptInviteSchema.pick({ password: true });

async function resetOf(c: Context<AppEnv>, token: string) {
  const opened = await openReset(c.var.deps, token);
  return opened && { workspace: opened.tenant.name, email: opened.user.email };
}

function pageProps(c: Context<AppEnv>) {
  return { locale: c.var.locale, t: c.var.t, token: c.req.param("token") ?? "" };
}

const resetAgain = showFormAgain(async (c) => {
  const reset = await resetOf(c, pageProps(c).token);
  const error = reset ? c.var.t("ui.password_hint") : undefined;
  return c.html(<ResetPage {...pageProps(c)} reset={reset} error={error} />, reset ? 400 : 404);
});

/** The page a password reset link opens, where the user sets a new password; mounted at /reset. */
export const resetPageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  // the token is a credential: keep the page out of caches
  .use("/:token", noStore)
  .get("/:token", async (c) => {
    const reset = await resetOf(c, c.req.param("token"));
    return c.html(<ResetPage {...pageProps(c)} reset={reset} />, reset ? 200 : 404);
  })
  .post("/:token", zValidator("form", resetForm, resetAgain), async (c) => {
    try {
      const signedIn = await completeReset(c.var.deps, {
        token: c.req.param("token"),
        ...c.req.valid("form"),
        ...clientInfo(c),
      });
      setSessionCookie(c, signedIn.token);
      return c.redirect("/", 303);
    } catch (e) {
      if (!(e instanceof AppError && e.status === 404)) throw e;
      return c.html(<ResetPage {...pageProps(c)} reset={null} />, 404);
    }
  });
