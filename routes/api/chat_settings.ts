import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import type { AppEnv } from "../../server/env.ts";
import { chatSettingsUpdateSchema, loadChatSettings } from "../../chat/settings.ts";
import { botSettingsShape, updateAdminSettings } from "../../chat/workspace_settings.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

/** Body of `PUT /api/chat/settings`: any subset of the chat settings and the bot settings
 * (those are read back with `GET /api/admin/settings`). */
const chatSettingsBody = chatSettingsUpdateSchema.extend(botSettingsShape).partial().strict();

/** The workspace's chat settings: everyone reads them, admins change them; mounted at /api/chat/settings. */
export const chatSettingsRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", async (c) => c.json(await loadChatSettings(c.var.scope, c.var.deps)))
  .put("/", requireAdmin, zValidator("json", chatSettingsBody, invalidInput), async (c) => {
    // the chat subset of the workspace settings, changed and audited as the admin settings are
    await updateAdminSettings(c.var.scope, c.req.valid("json"), c.var.deps, { ip: clientIp(c) });
    return c.json(await loadChatSettings(c.var.scope, c.var.deps));
  });
