import { Hono } from "hono";
import type { Context } from "hono";
import { getWorkspace } from "../chat/accounts/workspace.ts";
import { toTenantObject, toUserObject, updateOwnProfile } from "../chat/accounts/users.ts";
import { localeSchema, profileSchema } from "../chat/accounts/schemas.ts";
import { AppError } from "../chat/errors.ts";
import { isLocale } from "../i18n/mod.ts";
import type { AppEnv } from "../server/env.ts";
import { validate } from "./errors.ts";
import { requireUser } from "./middleware.ts";
import { setLocaleCookie } from "./cookies.ts";

export const meRoutes = new Hono<AppEnv>()
  .get("/", requireUser, async (c) => {
    const tenant = await getWorkspace(c.var.scope);
    return c.json({ user: toUserObject(c.var.user), tenant: toTenantObject(tenant), locale: c.var.locale });
  })
  .patch("/", requireUser, validate("json", profileSchema), async (c) => {
    const user = await updateOwnProfile(c.var.scope, c.req.valid("json"));
    if (isLocale(user.locale)) setLocaleCookie(c, user.locale);
    return c.json({ user: toUserObject(user) });
  })
  // The language switcher: works signed out (cookie only) and signed in (also saved on the
  // account); takes JSON, or a plain form post that is sent back where it came from.
  .post("/locale", async (c) => {
    const form = c.req.header("content-type")?.startsWith("application/x-www-form-urlencoded");
    const parsed = localeSchema.safeParse(form ? await c.req.parseBody() : await c.req.json().catch(() => null));
    if (!parsed.success) {
      throw new AppError("validation_error", "Invalid locale: expected one of en, es, pt-BR");
    }
    const { locale } = parsed.data;
    setLocaleCookie(c, locale);
    if (await signedIn(c)) await updateOwnProfile(c.var.scope, { locale });
    return form ? c.redirect(sameOriginReferer(c), 303) : c.json({ locale });
  });

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
