import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import type { AppEnv } from "../../server/env.ts";
import { chatSettingsUpdateSchema, loadChatSettings, updateChatSettings } from "../../chat/settings.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

/** The workspace's chat settings: everyone reads them, admins change them; mounted at /api/chat/settings. */
export const chatSettingsRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", async (c) => c.json(await loadChatSettings(c.var.scope, c.var.deps)))
  .put("/", requireAdmin, zValidator("json", chatSettingsUpdateSchema, invalidInput), async (c) => {
    return c.json(await updateChatSettings(c.var.scope, c.req.valid("json"), c.var.deps));
  });
