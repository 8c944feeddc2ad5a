import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { AppPage } from "../../views/app_page.tsx";
import { EmptyPane } from "../../views/message_list.tsx";
import { brandingOf, getWorkspace } from "../../chat/accounts/workspace.ts";
import type { AppEnv } from "../../server/env.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadShell } from "./shell.ts";
import { loadPane } from "./pane.tsx";
import { signInUrl } from "./admin_shell.ts";
import { paneQuery } from "../schemas.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";

/**
 * The signed-in pages: the app, an open conversation and the workspace's brand stylesheet, mounted at the root. They share no prefix, so the sign-in
 * check names each of them.
 */
export const appPageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use("/", requirePageUser)
  .use("/c/*", requirePageUser)
  .use("/brand.css", requirePageUser)
  .get("/", async (c) => {
    const shell = await loadShell(c, "/");
    // after sign-up the new admin is shown the workspace's address and how to invite people
    const slug = shell.workspace.slug ?? "";
    const welcome = c.req.query("welcome") !== undefined && c.var.user.role === "admin"
      ? { slug, signInUrl: signInUrl(c.var.deps.config.publicUrl, slug) }
      : undefined;
    return c.html(<AppPage {...shell} pane={<EmptyPane t={c.var.t} />} open={false} welcome={welcome} />);
  })
  .get("/c/:id", zValidator("query", withoutEmpty(paneQuery), invalidInput), async (c) => {
    const id = c.req.param("id");
    const pane = await loadPane(c, id, { aroundId: c.req.valid("query").around_id });
    const shell = await loadShell(c, `/c/${id}`);
    return c.html(<AppPage {...shell} pane={pane} open />);
  })
  .get("/brand.css", async (c) => {
    const { color } = brandingOf((await getWorkspace(c.var.scope)).settings);
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "private, max-age=31536000, immutable");
    return c.body(color ? `:root { --brand: ${color}; }\n` : "");
  });
