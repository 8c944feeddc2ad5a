import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import type { AppEnv } from "../../server/env.ts";
import { createBotAccount, listBots, newBotSchema, revokeBot } from "../../chat/integrations/bot_accounts.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

/** The workspace's bot accounts for integrations, for its admins; mounted at /api/admin/bots. */
export const adminBotRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => c.json(await listBots(c.var.scope)))
  .post("/", zValidator("json", newBotSchema, invalidInput), async (c) => {
    return c.json(await createBotAccount(c.var.scope, c.req.valid("json"), c.var.deps), 201);
  })
  .delete("/:id", async (c) => c.json(await revokeBot(c.var.scope, c.req.param("id"), c.var.deps)));
