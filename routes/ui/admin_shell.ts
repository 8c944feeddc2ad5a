import type { Context } from "hono";
import { brandingOf, getWorkspace } from "../../chat/accounts/workspace.ts";
import type { AdminPageProps } from "../../views/admin/admin_layout.tsx";
import type { AppEnv } from "../../server/env.ts";

/**
 * The sign-in link of a workspace: the login page with its address filled in.
 * @param publicUrl the server's public URL
 * @param slug the workspace's address
 */
export function signInUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/login?${new URLSearchParams({ workspace: slug })}`;
}

/** What every admin page shows around its content. */
export async function loadAdminShell(c: Context<AppEnv>, path: string): Promise<AdminPageProps> {
  const tenant = await getWorkspace(c.var.scope);
  const brand = brandingOf(tenant.settings);
  return {
    locale: c.var.locale,
    t: c.var.t,
    workspace: { name: tenant.name, slug: tenant.slug, signInUrl: signInUrl(c.var.deps.config.publicUrl, tenant.slug) },
    brandCss: brand.color ? `/brand.css?v=${encodeURIComponent(brand.color.slice(1))}` : undefined,
    viewerId: c.var.user.id,
    path,
  };
}
