import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { acceptInvite, openInvite } from "../chat/accounts/invites.ts";
import { AppError } from "../chat/errors.ts";
import { InvitePage } from "../views/invite_page.tsx";
import type { AppEnv } from "../server/env.ts";
import { setSessionCookie } from "./cookies.ts";
import { clientIp } from "../server/security.ts";
import { displayText, text } from "../chat/text.ts";

const inviteForm = z.object({
  name: displayText().max(100),
  password: text().min(8).max(1024),
});

/** What the page shows about the invite, or null when the link no longer works. */
async function invitee(c: Context<AppEnv>, token: string) {
  const opened = await openInvite(c.var.deps, token);
  return opened && { workspace: opened.tenant.name, email: opened.user.email, name: opened.user.name };
}

export const uiInviteRoutes = new Hono<AppEnv>();

// the token is a credential: keep the page out of caches
uiInviteRoutes.use("/invite/:token", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});

uiInviteRoutes.get("/invite/:token", async (c) => {
  const token = c.req.param("token");
  const invite = await invitee(c, token);
  return c.html(<InvitePage locale={c.var.locale} t={c.var.t} token={token} invite={invite} />, invite ? 200 : 404);
});

uiInviteRoutes.post("/invite/:token", async (c) => {
  const token = c.req.param("token");
  const body = await c.req.parseBody();
  const props = { locale: c.var.locale, t: c.var.t, token };
  const parsed = inviteForm.safeParse(body);
  if (!parsed.success) {
    const invite = await invitee(c, token);
    const name = typeof body.name === "string" ? body.name : "";
    const error = invite ? c.var.t("ui.invite_form_invalid") : undefined;
    return c.html(<InvitePage {...props} invite={invite} error={error} values={{ name }} />, invite ? 400 : 404);
  }
  try {
    const signedIn = await acceptInvite(c.var.deps, {
      token,
      ...parsed.data,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
    });
    setSessionCookie(c, signedIn.token);
    return c.redirect("/", 303);
  } catch (e) {
    if (!(e instanceof AppError && e.status === 404)) throw e;
    return c.html(<InvitePage {...props} invite={null} />, 404);
  }
});
