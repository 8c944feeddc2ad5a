import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../server/env.ts";
import { claimSupport, closeSupport, openSupport, supportQueue } from "../../chat/support/support.ts";
import { requireUser } from "../middleware.ts";

/** The agents' queue of support conversations, mounted at /api/chat/support. */
export const supportRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/queue", async (c) => c.json(await supportQueue(c.var.scope, c.var.deps)));

/** Claim and close of a support conversation, mounted beside the conversation routes. */
export const supportConversationRoutes = new Hono<AppEnv>()
  // per route: this sub-app shares its mount point with every conversation route
  .post("/:id/claim", requireUser, async (c) => c.json(await claimSupport(c.var.scope, c.req.param("id"), c.var.deps)))
  .post("/:id/close", requireUser, async (c) => c.json(await closeSupport(c.var.scope, c.req.param("id"), c.var.deps)));

/**
 * `POST /api/chat/conversations/` with `{kind: "support"}` opens the caller's support
 * conversation (201, or 200 with the one already open); other kinds go on to the
 * conversation routes. Use after `requireUser`.
 */
export const openSupportConversation = createMiddleware<AppEnv>(async (c, next) => {
  const body = c.req.header("content-type")?.includes("json") ? await c.req.json().catch(() => null) : null;
  if (body?.kind !== "support") return await next();
  const { conversation, created } = await openSupport(c.var.scope, c.var.deps);
  return c.json(conversation, created ? 201 : 200);
});
