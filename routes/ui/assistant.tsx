import { Hono } from "hono";
import type { AppEnv } from "../../server/env.ts";
import { createAssistantConversation } from "../../chat/assistant/conversations.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { paneResponse } from "./pane.tsx";

/** "Ask the assistant": a new assistant conversation, answered with its pane; mounted at /ui/assistant. */
export const uiAssistantRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .post("/", async (c) => {
    const conversation = await createAssistantConversation(c.var.scope, {}, c.var.deps);
    return await paneResponse(c, conversation.id);
  });
