import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireUser } from "../middleware.ts";
import { openContextRoom } from "../../chat/context/rooms.ts";
import { displayText } from "../../chat/text.ts";

const contextQuery = z.object({ title: displayText().max(200).optional() });

/** `GET /api/chat/context/{type}/{id}/`: the conversation about a business object, created on first use. */
export const contextRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/:type/:id", zValidator("query", contextQuery, invalidInput), async (c) => {
    const context = { type: c.req.param("type"), id: c.req.param("id") };
    const { conversation, created } = await openContextRoom(c.var.scope, context, c.req.valid("query"), c.var.deps);
    return c.json(conversation, created ? 201 : 200);
  });
