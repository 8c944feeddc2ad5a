import { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { validate } from "./errors.ts";
import { requireAdmin, requireUser } from "./middleware.ts";
import { chatSettingsUpdateSchema, loadChatSettings, updateChatSettings } from "../chat/settings.ts";

export const chatSettingsRoutes = new Hono<AppEnv>()
  .get("/settings", requireUser, async (c) => c.json(await loadChatSettings(c.var.scope, c.var.deps)))
  .put("/settings", requireUser, requireAdmin, validate("json", chatSettingsUpdateSchema), async (c) => {
    return c.json(await updateChatSettings(c.var.scope, c.req.valid("json"), c.var.deps));
  });
