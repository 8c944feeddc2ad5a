import { Hono } from "hono";
import type { AppEnv } from "../../server/env.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { adminSettingsUpdateSchema, loadAdminSettings, updateAdminSettings } from "../../chat/workspace_settings.ts";
import { clientIp } from "../../server/security.ts";

/** `GET|PUT /api/admin/settings`: every workspace setting in one object (admins only). */
export const adminSettingsRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => c.json(await loadAdminSettings(c.var.scope, c.var.deps)))
  .put("/", zValidator("json", adminSettingsUpdateSchema, invalidInput), async (c) => {
    const settings = await updateAdminSettings(c.var.scope, c.req.valid("json"), c.var.deps, { ip: clientIp(c) });
    return c.json(settings);
  });
