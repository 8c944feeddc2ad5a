import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import type { AppEnv } from "../../server/env.ts";
import { chatSettingsUpdateSchema, loadChatSettings } from "../../chat/settings.ts";
import { updateAdminSettings } from "../../chat/workspace_settings.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

/** The workspace's chat settings: everyone reads them, admins change them; mounted at /api/chat/settings. */
export const chatSettingsRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", async (c) => c.json(await loadChatSettings(c.var.scope, c.var.deps)))
  .put("/", requireAdmin, zValidator("json", chatSettingsUpdateSchema, invalidInput), async (c) => {
    // the chat subset of the workspace settings, changed and audited as the admin settings are
    await updateAdminSettings(c.var.scope, c.req.valid("json"), c.var.deps, { ip: clientIp(c) });
    return c.json(await loadChatSettings(c.var.scope, c.var.deps));
  });
