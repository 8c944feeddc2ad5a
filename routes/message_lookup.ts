import { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { requireUser } from "./middleware.ts";
import { getMessage } from "../chat/messages/changes.ts";

/** `GET /api/chat/messages/{id}/`: one message, 404 unless the caller is in its conversation. */
export const messageLookupRoutes = new Hono<AppEnv>()
  .get("/messages/:id", requireUser, async (c) => c.json(await getMessage(c.var.scope, c.req.param("id"))));
