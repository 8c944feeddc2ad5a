import type { Context } from "hono";
import {
  CONVERSATION_PAGE,
  listConversations,
  listJoinable,
  listPeople,
} from "../../chat/conversations/conversations.ts";
import { brandingOf, getWorkspace, latestEventId } from "../../chat/accounts/workspace.ts";
import { assistantAvailable } from "../../chat/assistant/conversations.ts";
import type { AppShellProps } from "../../views/app_page.tsx";
import type { AppEnv } from "../../server/env.ts";

/**
 * Everything the app shell (page or widget) shows around the open conversation. The event
 * cursor is read first, so anything that changes while the page renders is replayed.
 */
export async function loadShell(c: Context<AppEnv>, back: string): Promise<AppShellProps> {
  const { scope, deps, user } = c.var;
  const cursor = await latestEventId(scope);
  const [conversations, people, joinable, tenant, assistant] = await Promise.all([
    listConversations(scope, { limit: CONVERSATION_PAGE }, deps),
    listPeople(scope, deps),
    listJoinable(scope, deps),
    getWorkspace(scope),
    assistantAvailable(scope, deps),
  ]);
  const brand = brandingOf(tenant.settings);
  return {
    locale: c.var.locale,
    t: c.var.t,
    viewer: { id: user.id, name: user.name, role: user.role },
    workspace: { name: tenant.name, logoUrl: brand.logoUrl },
    brandCss: brand.color ? `/brand.css?v=${encodeURIComponent(brand.color.slice(1))}` : undefined,
    conversations,
    moreConversations: conversations.length === CONVERSATION_PAGE,
    people,
    channels: joinable.map((ch) => ({ id: ch.id, title: ch.title })),
    assistant,
    unreadTotal: conversations.reduce((sum, conv) => sum + (conv.is_muted ? 0 : conv.unread_count), 0),
    cursor,
    back,
  };
}
