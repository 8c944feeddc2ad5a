import { Hono } from "hono";
import type { AppEnv } from "../../server/env.ts";
import { createSsoSecret, listSsoSecretObjects, retireSsoSecretByKid } from "../../chat/sso/secrets.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";

/** The workspace's SSO secrets for host-signed sign-in (admins); mounted at /api/admin/sso/secrets. */
export const adminSsoRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => c.json(await listSsoSecretObjects(c.var.scope)))
  .post("/", async (c) => {
    const secret = await createSsoSecret(c.var.scope, { now: c.var.deps.now(), ip: clientIp(c) });
    return c.json(secret, 201);
  })
  .delete("/:kid", async (c) => {
    await retireSsoSecretByKid(c.var.scope, c.req.param("kid"), { now: c.var.deps.now(), ip: clientIp(c) });
    return c.body(null, 204);
  });
