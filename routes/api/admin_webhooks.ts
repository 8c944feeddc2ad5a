import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import {
  createWebhook,
  listWebhooks,
  newWebhookSchema,
  removeWebhook,
  webhookDeliveries,
} from "../../chat/webhooks/webhooks.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

const webhookIdParam = z.object({ id: z.uuid() });

/** The workspace's webhooks, for its admins; mounted at /api/admin/webhooks. */
export const adminWebhookRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => c.json(await listWebhooks(c.var.scope)))
  .post("/", zValidator("json", newWebhookSchema, invalidInput), async (c) => {
    return c.json(await createWebhook(c.var.scope, c.req.valid("json"), c.var.deps, { ip: clientIp(c) }), 201);
  })
  .delete("/:id", zValidator("param", webhookIdParam, invalidInput), async (c) => {
    await removeWebhook(c.var.scope, c.req.valid("param").id, { ip: clientIp(c) });
    return c.body(null, 204);
  })
  .get("/:id/deliveries", zValidator("param", webhookIdParam, invalidInput), async (c) => {
    return c.json(await webhookDeliveries(c.var.scope, c.req.valid("param").id));
  });
