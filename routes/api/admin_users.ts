import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { addUser, changeUser, listWorkspaceUsers, toUserObject } from "../../chat/accounts/users.ts";
import { createResetLink } from "../../chat/accounts/password_reset.ts";
import { newUserSchema, userChangesSchema } from "../../chat/accounts/schemas.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";

const userIdParam = z.object({ id: z.uuid() });

/** The workspace's people, for its admins; mounted at /api/admin/users. */
export const adminUserRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => {
    const users = await listWorkspaceUsers(c.var.scope);
    return c.json(users.map(toUserObject));
  })
  .post("/", zValidator("json", newUserSchema, invalidInput), async (c) => {
    const { user, inviteUrl } = await addUser(c.var.scope, c.req.valid("json"), {
      keys: c.var.deps.keys,
      publicUrl: c.var.deps.config.publicUrl,
      ip: clientIp(c),
    });
    return c.json({ ...toUserObject(user), ...(inviteUrl ? { invite_url: inviteUrl } : {}) }, 201);
  })
  .patch(
    "/:id",
    zValidator("param", userIdParam, invalidInput),
    zValidator("json", userChangesSchema, invalidInput),
    async (c) => {
      const { name, username, role, is_active: isActive } = c.req.valid("json");
      const user = await changeUser(c.var.scope, c.req.valid("param").id, { name, username, role, isActive }, {
        ip: clientIp(c),
      });
      return c.json(toUserObject(user));
    },
  )
  .post("/:id/reset_link", zValidator("param", userIdParam, invalidInput), async (c) => {
    const { deps } = c.var;
    const link = await createResetLink(c.var.scope, c.req.valid("param").id, {
      keys: deps.keys,
      publicUrl: deps.config.publicUrl,
      now: deps.now,
      ip: clientIp(c),
    });
    return c.json({ reset_url: link.url, expires_at: link.expiresAt.toISOString() }, 201);
  });
