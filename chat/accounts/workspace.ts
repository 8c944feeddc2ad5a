import { getTenant } from "../../db/tenants.ts";
import { eventLogBounds } from "../../db/event_replay.ts";
import type { Tenant } from "../../db/schema/mod.ts";
import type { TenantScope } from "../tenancy.ts";

/** A workspace's look: a brand colour and a logo, both optional. */
export interface Branding {
  color?: string;
  logoUrl?: string;
}

/** The caller's workspace. */
export async function getWorkspace(scope: TenantScope): Promise<Tenant> {
  return await getTenant(scope);
}

/**
 * Branding from a workspace's settings, read defensively: settings are free-form JSON, and
 * the values end up in a stylesheet and an img src, so only a hex colour and an https or
 * same-site logo pass.
 * @param settings the workspace's settings
 */
export function brandingOf(settings: Record<string, unknown>): Branding {
  const b = (settings.branding ?? {}) as Record<string, unknown>;
  const color = [b.primary_color, b.color, b.brand_color].find((v) =>
    typeof v === "string" && /^#[0-9a-f]{3,8}$/i.test(v)
  );
  const logo = [b.logo_url, b.logo].find((v) => typeof v === "string" && /^(https:\/\/|\/(?![/\\]))/.test(v));
  return { color: color as string | undefined, logoUrl: logo as string | undefined };
}

/**
 * The newest event id: a page rendered after reading it resumes its stream from there, so
 * nothing that changes while it renders is missed.
 * @param scope the caller's scope
 */
export async function latestEventId(scope: TenantScope): Promise<number> {
  return (await eventLogBounds(scope.db)).latest;
}
