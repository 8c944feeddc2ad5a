import type { Context } from "hono";
import { listConversations, listJoinable, listPeople } from "../chat/conversations.ts";
import { eventLogBounds } from "../db/event_replay.ts";
import { getTenant } from "../db/tenants.ts";
import type { AppShellProps } from "../views/app_page.tsx";
import type { AppEnv } from "./env.ts";

/** Branding from the tenant's settings, read defensively: settings are free-form JSON. */
export function brandingOf(settings: Record<string, unknown>) {
  const b = (settings.branding ?? {}) as Record<string, unknown>;
  const color = [b.primary_color, b.color, b.brand_color].find((v) =>
    typeof v === "string" && /^#[0-9a-f]{3,8}$/i.test(v)
  );
  const logo = [b.logo_url, b.logo].find((v) => typeof v === "string" && /^(https:\/\/|\/)/.test(v));
  return { color: color as string | undefined, logoUrl: logo as string | undefined };
}

/**
 * Everything the app shell (page or widget) shows around the open conversation. The event
 * cursor is read first, so anything that changes while the page renders is replayed.
 */
export async function loadShell(c: Context<AppEnv>, back: string): Promise<AppShellProps> {
  const { scope, deps, user } = c.var;
  const cursor = (await eventLogBounds(deps.database.db)).latest;
  const [conversations, people, joinable, tenant] = await Promise.all([
    listConversations(scope, {}, deps),
    listPeople(scope, deps),
    listJoinable(scope, deps),
    getTenant(scope),
  ]);
  const brand = brandingOf(tenant.settings);
  return {
    locale: c.var.locale,
    t: c.var.t,
    viewer: { id: user.id, name: user.name, role: user.role },
    workspace: { name: tenant.name, logoUrl: brand.logoUrl },
    brandCss: brand.color ? `/brand.css?v=${encodeURIComponent(brand.color.slice(1))}` : undefined,
    conversations,
    people,
    channels: joinable.map((ch) => ({ id: ch.id, title: ch.title })),
    unreadTotal: conversations.reduce((sum, conv) => sum + (conv.is_muted ? 0 : conv.unread_count), 0),
    cursor,
    back,
  };
}
