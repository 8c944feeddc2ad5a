import { Hono } from "hono";
import type { Context } from "hono";
import { zValidator } from "@hono/zod-validator";
import { getWorkspace } from "../../chat/accounts/workspace.ts";
import { toTenantObject, toUserObject, updateOwnProfile } from "../../chat/accounts/users.ts";
import { localeSchema, profileSchema } from "../../chat/accounts/schemas.ts";
import { AppError } from "../../chat/errors.ts";
import { isLocale } from "../../i18n/mod.ts";
import type { AppEnv } from "../../server/env.ts";
import { setLocaleCookie } from "../cookies.ts";
import { requireUser } from "../middleware.ts";
import { invalidInput, isFormPost, when } from "../validation.ts";

/** The signed-in user's own profile, mounted at /api/me. */
export const meRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", async (c) => {
    const tenant = await getWorkspace(c.var.scope);
    return c.json({ user: toUserObject(c.var.user), tenant: toTenantObject(tenant), locale: c.var.locale });
  })
  .patch("/", zValidator("json", profileSchema, invalidInput), async (c) => {
    const user = await updateOwnProfile(c.var.scope, c.req.valid("json"));
    if (isLocale(user.locale)) setLocaleCookie(c, user.locale);
    return c.json({ user: toUserObject(user) });
  });

/**
 * The language switcher, mounted at /api/me/locale (ahead of `meRoutes`, so a signed-out
 * visitor reaches it): works signed out (cookie only) and signed in (also saved on the
 * account); takes JSON, or a plain form post that is sent back where it came from.
 */
export const localeRoutes = new Hono<AppEnv>()
  .post(
    "/",
    when(isFormPost, zValidator("form", localeSchema, invalidInput)),
    when((c) => !isFormPost(c), zValidator("json", localeSchema, invalidInput)),
    async (c) => {
      const form = isFormPost(c);
      const { locale } = form ? c.req.valid("form") : c.req.valid("json");
      setLocaleCookie(c, locale);
      if (await signedIn(c)) await updateOwnProfile(c.var.scope, { locale });
      return form ? c.redirect(sameOriginReferer(c), 303) : c.json({ locale });
    },
  );

async function signedIn(c: Context<AppEnv>): Promise<boolean> {
  try {
    await requireUser(c, () => Promise.resolve());
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === "unauthenticated") return false;
    throw e;
  }
}

function sameOriginReferer(c: Context<AppEnv>): string {
  const referer = c.req.header("referer");
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    return url.origin === new URL(c.req.url).origin ? `${url.pathname}${url.search}` : "/";
  } catch {
    return "/";
  }
}
