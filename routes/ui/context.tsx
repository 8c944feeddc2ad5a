import { Hono } from "hono";
import { openContextRoom } from "../../chat/context/rooms.ts";
import type { AppEnv } from "../../server/env.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { paneResponse } from "./pane.tsx";

/** "Open discussion" on an entity link: the object's conversation, created on first use, in the pane; mounted at /ui/context. */
export const uiContextRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/:type/:id", async (c) => {
    const entity = { type: c.req.param("type"), id: c.req.param("id") };
    const { conversation } = await openContextRoom(c.var.scope, entity, {}, c.var.deps);
    return await paneResponse(c, conversation.id);
  });
