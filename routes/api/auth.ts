import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { login, logout, signup } from "../../chat/accounts/accounts.ts";
import { acceptInvite } from "../../chat/accounts/invites.ts";
import { acceptInviteSchema, loginSchema, signupSchema } from "../../chat/accounts/schemas.ts";
import { toTenantObject, toUserObject } from "../../chat/accounts/users.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientInfo } from "../../server/security.ts";
import { clearSessionCookie, setSessionCookie } from "../cookies.ts";
import { requireUser } from "../middleware.ts";
import { invalidInput } from "../validation.ts";
import { ssoBody } from "../schemas.ts";
import { ssoSignIn } from "../../chat/sso/sign_in.ts";

/** Sign-up, sign-in (password or SSO), invites and sign-out, mounted at /api/auth. Only sign-out needs a session. */
export const authRoutes = new Hono<AppEnv>()
  .use("/logout", requireUser)
  .post("/signup", zValidator("json", signupSchema, invalidInput), async (c) => {
    const body = c.req.valid("json");
    const { token, user, tenant } = await signup(c.var.deps, {
      workspaceName: body.workspace_name,
      workspaceSlug: body.workspace_slug,
      name: body.name,
      email: body.email,
      password: body.password,
      ...clientInfo(c),
    });
    setSessionCookie(c, token);
    return c.json({ token, user: toUserObject(user), tenant: toTenantObject(tenant) }, 201);
  })
  .post("/login", zValidator("json", loginSchema, invalidInput), async (c) => {
    const { token, user } = await login(c.var.deps, { ...c.req.valid("json"), ...clientInfo(c) });
    setSessionCookie(c, token);
    return c.json({ token, user: toUserObject(user) });
  })
  // no cookie: the token goes to the embedded widget, which keeps it in memory
  .post("/sso", zValidator("json", ssoBody, invalidInput), async (c) => {
    const { token, user } = await ssoSignIn(c.var.deps, { token: c.req.valid("json").token, ...clientInfo(c) });
    return c.json({ token, user: toUserObject(user) });
  })
  .post("/invite", zValidator("json", acceptInviteSchema, invalidInput), async (c) => {
    const { token, user } = await acceptInvite(c.var.deps, { ...c.req.valid("json"), ...clientInfo(c) });
    setSessionCookie(c, token);
    return c.json({ token, user: toUserObject(user) });
  })
  .post("/logout", async (c) => {
    await logout(c.var.scope, c.var.sessionId, { ip: clientInfo(c).ip });
    clearSessionCookie(c);
    return c.json({ status: "ok" });
  });
