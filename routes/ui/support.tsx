import { Hono } from "hono";
import { claimSupport, openSupport, supportQueue } from "../../chat/support/support.ts";
import { AppPage } from "../../views/app_page.tsx";
import { SupportQueue } from "../../views/support_queue.tsx";
import type { AppEnv } from "../../server/env.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadShell } from "./shell.ts";

/**
 * The agents' Support page (`/support`: the queue, kept live by the page's event stream) and
 * the forms behind "Contact support" and "Claim" (`/ui/support/…`), which land on the chat.
 */
export const uiSupportRoutes = new Hono<AppEnv>()
  .onError(uiError)
  // mounted at the root beside other pages: the sign-in check names each path
  .get("/support", requirePageUser, async (c) => {
    const entries = await supportQueue(c.var.scope, c.var.deps);
    const shell = await loadShell(c, "/support");
    return c.html(<AppPage {...shell} pane={<SupportQueue entries={entries} t={c.var.t} />} open />);
  })
  .post("/ui/support/open", requirePageUser, async (c) => {
    const { conversation } = await openSupport(c.var.scope, c.var.deps);
    return c.redirect(`/c/${conversation.id}`, 303);
  })
  .post("/ui/support/:id/claim", requirePageUser, async (c) => {
    const conversation = await claimSupport(c.var.scope, c.req.param("id"), c.var.deps);
    return c.redirect(`/c/${conversation.id}`, 303);
  });
