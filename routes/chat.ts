import { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { conversationRoutes } from "./conversations.ts";
import { messageRoutes } from "./messages.ts";
import { attachmentRoutes } from "./attachments.ts";
import { chatSettingsRoutes } from "./chat_settings.ts";
import { searchRoutes } from "./search.ts";
import { mentionRoutes } from "./mentions.ts";
import { contextRoutes } from "./context.ts";
import { messageLookupRoutes } from "./message_lookup.ts";

/** The chat JSON API, mounted at /api/chat. */
export const chatRoutes = new Hono<AppEnv>()
  .route("/", conversationRoutes)
  .route("/", messageRoutes)
  .route("/", attachmentRoutes)
  .route("/", chatSettingsRoutes)
  .route("/", searchRoutes)
  .route("/", mentionRoutes)
  .route("/", contextRoutes)
  .route("/", messageLookupRoutes);
