import { Hono } from "hono";
import { loadConfig } from "./server/config.ts";
import { createRuntime } from "./server/runtime.ts";
import type { AppDeps, AppEnv } from "./server/env.ts";
import { baseMiddleware } from "./server/security.ts";
import { listen } from "./server/http_server.ts";
import { answerOptions } from "./server/options.ts";
import { notFound, onError } from "./routes/errors.ts";
import { i18n } from "./routes/i18n.ts";
import { healthRoutes } from "./routes/health.ts";
import { authRoutes } from "./routes/api/auth.ts";
import { localeRoutes, meRoutes } from "./routes/api/me.ts";
import { adminUserRoutes } from "./routes/api/admin_users.ts";
import { adminAuditRoutes } from "./routes/api/admin_audit.ts";
import { adminSettingsRoutes } from "./routes/api/admin_settings.ts";
import { searchRoutes } from "./routes/api/search.ts";
import { mentionRoutes } from "./routes/api/mentions.ts";
import { contextRoutes } from "./routes/api/context.ts";
import { adminExportRoutes } from "./routes/api/admin_export.ts";
import { adminWebhookRoutes } from "./routes/api/admin_webhooks.ts";
import { conversationRoutes } from "./routes/api/conversations.ts";
import { messageRoutes } from "./routes/api/messages.ts";
import { attachmentRoutes } from "./routes/api/attachments.ts";
import { chatSettingsRoutes } from "./routes/api/chat_settings.ts";
import { eventRoutes } from "./routes/api/events.ts";
import { staticRoutes } from "./routes/ui_static.ts";
import { loginRoutes, logoutRoutes, signupRoutes, uiLocaleRoutes } from "./routes/ui/auth.tsx";
import { invitePageRoutes } from "./routes/ui/invite.tsx";
import { appPageRoutes } from "./routes/ui/pages.tsx";
import { uiConversationRoutes, uiDirectRoutes, uiGroupRoutes } from "./routes/ui/conversations.tsx";
import { uiMessageRoutes } from "./routes/ui/messages.tsx";
import { uiEventRoutes, uiPollRoutes } from "./routes/ui/events.ts";

/** Builds the Hono app from its dependencies. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: false });
  app.onError(onError);
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(...baseMiddleware(deps));
  app.use(answerOptions(app));
  app.use(i18n);
  app.route("/", healthRoutes);
  // the JSON API
  app.route("/api/auth", authRoutes);
  // ahead of /api/me, whose routes all need a session: the switcher works signed out
  app.route("/api/me/locale", localeRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/admin/users", adminUserRoutes);
  app.route("/api/admin/audit", adminAuditRoutes);
  app.route("/api/admin/settings", adminSettingsRoutes);
  app.route("/api/admin/export", adminExportRoutes);
  app.route("/api/admin/webhooks", adminWebhookRoutes);
  app.route("/api/chat/conversations", conversationRoutes);
  app.route("/api/chat/messages", messageRoutes);
  app.route("/api/chat/attachments", attachmentRoutes);
  app.route("/api/chat/settings", chatSettingsRoutes);
  app.route("/api/chat/search", searchRoutes);
  app.route("/api/chat/mentions", mentionRoutes);
  app.route("/api/chat/context", contextRoutes);
  app.route("/api/chat/events", eventRoutes);
  // the pages and their fragments
  app.route("/", staticRoutes);
  app.route("/login", loginRoutes);
  app.route("/signup", signupRoutes);
  app.route("/logout", logoutRoutes);
  app.route("/invite", invitePageRoutes);
  app.route("/", appPageRoutes);
  app.route("/ui/locale", uiLocaleRoutes);
  app.route("/ui/conversations", uiConversationRoutes);
  app.route("/ui/messages", uiMessageRoutes);
  app.route("/ui/groups", uiGroupRoutes);
  app.route("/ui/direct", uiDirectRoutes);
  app.route("/ui/events", uiEventRoutes);
  app.route("/ui/events/poll", uiPollRoutes);
  app.notFound(notFound);
  return app;
}

if (import.meta.main) {
  try {
    const config = loadConfig(Deno.env.toObject());
    const runtime = await createRuntime(config);
    const server = await listen(createApp(runtime).fetch, { port: config.port, hostname: config.host });
    console.log(`Listening on http://${config.host}:${server.port}/`);
    Deno.addSignalListener("SIGTERM", async () => {
      // streams end first with a short retry hint, so clients resume on another instance
      runtime.realtime.stop(500);
      await server.shutdown();
      await runtime.close();
      Deno.exit(0);
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(1);
  }
}
