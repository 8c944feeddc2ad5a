import { Hono } from "hono";
import type { AppEnv } from "../../server/env.ts";
import { claimSupport, closeSupport, supportQueue } from "../../chat/support/support.ts";
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
