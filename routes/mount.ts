import type { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { i18n } from "./i18n.ts";
import { healthRoutes } from "./health.ts";
import { authRoutes } from "./api/auth.ts";
import { localeRoutes, meRoutes } from "./api/me.ts";
import { adminUserRoutes } from "./api/admin_users.ts";
import { adminAuditRoutes } from "./api/admin_audit.ts";
import { adminSettingsRoutes } from "./api/admin_settings.ts";
import { searchRoutes } from "./api/search.ts";
import { mentionRoutes } from "./api/mentions.ts";
import { contextRoutes } from "./api/context.ts";
import { adminExportRoutes } from "./api/admin_export.ts";
import { conversationRoutes } from "./api/conversations.ts";
import { messageRoutes } from "./api/messages.ts";
import { attachmentRoutes } from "./api/attachments.ts";
import { chatSettingsRoutes } from "./api/chat_settings.ts";
import { eventRoutes } from "./api/events.ts";
import { staticRoutes } from "./ui_static.ts";
import { loginRoutes, logoutRoutes, signupRoutes, uiLocaleRoutes } from "./ui/auth.tsx";
import { invitePageRoutes } from "./ui/invite.tsx";
import { resetPageRoutes } from "./ui/reset.tsx";
import { adminPeopleRoutes } from "./ui/admin.tsx";
import { adminWorkspaceRoutes, logoRoutes } from "./ui/admin_workspace.tsx";
import { adminAuditPageRoutes } from "./ui/admin_audit.tsx";
import { appPageRoutes } from "./ui/pages.tsx";
import { uiConversationRoutes, uiDirectRoutes, uiGroupRoutes } from "./ui/conversations.tsx";
import { uiAssistantRoutes } from "./ui/assistant.tsx";
import { uiGroupManageRoutes } from "./ui/group_manage.tsx";
import { uiMessageRoutes } from "./ui/messages.tsx";
import { uiEventRoutes, uiPollRoutes } from "./ui/events.ts";

import { adminSsoRoutes } from "./api/admin_sso.ts";
import { uiWidgetRoutes, widgetPageRoutes } from "./ui/widget.tsx";
import { uiMentionRoutes, uiSearchRoutes } from "./ui/search.tsx";
import { uiContextRoutes } from "./ui/context.tsx";
import { supportConversationRoutes, supportRoutes } from "./api/support.ts";
import { adminBotRoutes } from "./api/admin_bots.ts";
import { uiSupportRoutes } from "./ui/support.tsx";
import { adminWebhookRoutes } from "./api/admin_webhooks.ts";
/**
 * Mounts the language middleware and every route on an app that has the base middleware
 * (main.ts `createApp`), in order: the health check, the JSON API, then the pages and
 * their fragments. Loaded after the server listens, so a start does not wait for the route
 * modules, the domain and the views.
 */
export function mountRoutes(app: Hono<AppEnv>): void {
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
  app.route("/api/admin/sso/secrets", adminSsoRoutes);
  app.route("/api/admin/export", adminExportRoutes);
  app.route("/api/admin/bots", adminBotRoutes);
  app.route("/api/admin/webhooks", adminWebhookRoutes);
  app.route("/api/chat/conversations", supportConversationRoutes);
  app.route("/api/chat/conversations", conversationRoutes);
  app.route("/api/chat/messages", messageRoutes);
  app.route("/api/chat/attachments", attachmentRoutes);
  app.route("/api/chat/settings", chatSettingsRoutes);
  app.route("/api/chat/search", searchRoutes);
  app.route("/api/chat/mentions", mentionRoutes);
  app.route("/api/chat/context", contextRoutes);
  app.route("/api/chat/events", eventRoutes);
  // the pages and their fragments
  app.route("/api/chat/support", supportRoutes);
  app.route("/", staticRoutes);
  app.route("/login", loginRoutes);
  app.route("/signup", signupRoutes);
  app.route("/logout", logoutRoutes);
  app.route("/invite", invitePageRoutes);
  app.route("/reset", resetPageRoutes);
  app.route("/admin/workspace", adminWorkspaceRoutes);
  app.route("/admin/audit", adminAuditPageRoutes);
  app.route("/admin", adminPeopleRoutes);
  app.route("/brand/logo", logoRoutes);
  app.route("/widget", widgetPageRoutes);
  app.route("/", uiSupportRoutes);
  app.route("/", appPageRoutes);
  app.route("/ui/locale", uiLocaleRoutes);
  app.route("/ui/conversations", uiConversationRoutes);
  app.route("/ui/conversations", uiGroupManageRoutes);
  app.route("/ui/messages", uiMessageRoutes);
  app.route("/ui/groups", uiGroupRoutes);
  app.route("/ui/direct", uiDirectRoutes);
  app.route("/ui/assistant", uiAssistantRoutes);
  app.route("/ui/widget", uiWidgetRoutes);
  app.route("/ui/search", uiSearchRoutes);
  app.route("/ui/mentions", uiMentionRoutes);
  app.route("/ui/context", uiContextRoutes);
  app.route("/ui/events", uiEventRoutes);
  app.route("/ui/events/poll", uiPollRoutes);
}
