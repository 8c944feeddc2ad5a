import { Hono } from "hono";
import type { Context } from "hono";
import { zValidator } from "@hono/zod-validator";
import { acceptInvite, openInvite } from "../../chat/accounts/invites.ts";
import { acceptInviteSchema, newUserSchema } from "../../chat/accounts/schemas.ts";
import { AppError } from "../../chat/errors.ts";
import { InvitePage } from "../../views/invite_page.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientInfo } from "../../server/security.ts";
import { setSessionCookie } from "../cookies.ts";
import { withoutEmpty } from "../validation.ts";
import { noStore } from "./middleware.ts";
import { uiError } from "./errors.tsx";
import { showFormAgain } from "./forms.ts";

// the invited person names themselves and sets the password the API's invite takes
const inviteForm = withoutEmpty(acceptInviteSchema.pick({ password: true }).extend({ name: newUserSchema.shape.name }));

/** What the page shows about the invite, or null when the link no longer works. */
async function invitee(c: Context<AppEnv>, token: string) {
  const opened = await openInvite(c.var.deps, token);
  return opened && { workspace: opened.tenant.name, email: opened.user.email, name: opened.user.name };
}

function pageProps(c: Context<AppEnv>) {
  return { locale: c.var.locale, t: c.var.t, token: c.req.param("token") ?? "" };
}

const inviteAgain = showFormAgain(async (c, values) => {
  const invite = await invitee(c, pageProps(c).token);
  const error = invite ? c.var.t("ui.invite_form_invalid") : undefined;
  const props = { ...pageProps(c), invite, error, values: { name: values.name ?? "" } };
  return c.html(<InvitePage {...props} />, invite ? 400 : 404);
});

/** The page an invite link opens, where the invited person sets a password; mounted at /invite. */
export const invitePageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  // the token is a credential: keep the page out of caches
  .use("/:token", noStore)
  .get("/:token", async (c) => {
    const invite = await invitee(c, c.req.param("token"));
    return c.html(<InvitePage {...pageProps(c)} invite={invite} />, invite ? 200 : 404);
  })
  .post("/:token", zValidator("form", inviteForm, inviteAgain), async (c) => {
    try {
      const signedIn = await acceptInvite(c.var.deps, {
        token: c.req.param("token"),
        ...c.req.valid("form"),
        ...clientInfo(c),
      });
      setSessionCookie(c, signedIn.token);
      return c.redirect("/", 303);
    } catch (e) {
      if (!(e instanceof AppError && e.status === 404)) throw e;
      return c.html(<InvitePage {...pageProps(c)} invite={null} />, 404);
    }
  });
