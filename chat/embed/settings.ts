import { z } from "zod";
import { findTenantBySlug, getTenant } from "../../db/tenants.ts";
import type { Db } from "../../db/client.ts";
import type { TenantOnlyScope } from "../tenancy.ts";

// An https origin, or a pattern for its subdomains (`https://*.example.com`); plain http only
// for this machine, where development and tests run.
const HOST = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?`;
const PORT = String.raw`(?::\d{1,5})?`;
const EMBED_ORIGIN = new RegExp(
  String.raw`^(?:https://(?:\*\.${HOST}\.${HOST}|${HOST})${PORT}|http://(?:localhost|127\.0\.0\.1)${PORT})$`,
);
const JWKS_URL = /^(?:https:\/\/|http:\/\/(?:localhost|127\.0\.0\.1)(?::\d{1,5})?\/)/;

/** Embedding and SSO settings, kept at the top of the workspace's settings object. */
export const embedSettingsShape = {
  embed_origins: z.array(
    z.string().max(300).transform((s) => s.toLowerCase()).refine((s) => EMBED_ORIGIN.test(s), {
      message: "expected an origin such as https://erp.example.com or https://*.example.com (no path)",
    }),
  ).max(50),
  sso_jwks_url: z.url().max(2000).refine((s) => JWKS_URL.test(s), {
    message: "expected an https:// URL (http only for localhost)",
  }).nullable(),
  sso_allow_admin: z.boolean(),
};

/** The embedding and SSO settings in force. */
export interface EmbedSettings {
  embed_origins: string[];
  sso_jwks_url: string | null;
  sso_allow_admin: boolean;
}

/** Stored embedding settings, each checked again on the way out (a value that no longer passes gets its default). */
export function embedSettingsOf(stored: Record<string, unknown>): EmbedSettings {
  const read = <K extends keyof EmbedSettings>(key: K, fallback: EmbedSettings[K]): EmbedSettings[K] => {
    const parsed = embedSettingsShape[key].safeParse(stored[key]);
    return parsed.success ? parsed.data as EmbedSettings[K] : fallback;
  };
  return {
    embed_origins: read("embed_origins", []),
    sso_jwks_url: read("sso_jwks_url", null),
    sso_allow_admin: read("sso_allow_admin", false),
  };
}

/** The workspace's embedding and SSO settings. */
export async function loadEmbedSettings(scope: TenantOnlyScope): Promise<EmbedSettings> {
  return embedSettingsOf((await getTenant(scope)).settings ?? {});
}

/**
 * The origins allowed to frame a workspace's widget, by its public slug (the frame is opened
 * before anyone signed in); empty for an unknown workspace.
 */
export async function embedOriginsBySlug(db: Db, slug: string): Promise<string[]> {
  const tenant = await findTenantBySlug(db, slug);
  return tenant ? embedSettingsOf(tenant.settings ?? {}).embed_origins : [];
}
