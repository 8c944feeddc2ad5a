import { getTenant, updateTenantName } from "../../db/tenants.ts";
import { audit } from "../../db/audit.ts";
import type { Tenant } from "../../db/schema/mod.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { isInlineType, sniffFile } from "../messages/files.ts";
import { newStorageKey } from "../messages/storage.ts";
import { brandingOf } from "../accounts/workspace.ts";
import { type AdminSettings, loadAdminSettings, updateAdminSettings } from "../workspace_settings.ts";

/** Where a workspace's uploaded logo is served; the key names the stored file. */
export const LOGO_PATH = "/brand/logo/";
/** The largest logo accepted. */
export const MAX_LOGO_BYTES = 512 * 1024;

function requireAdmin(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}

/**
 * Renames the caller's workspace (admins only), audited with the old and new name. The
 * address (slug) never changes: sign-in links and bookmarks keep working.
 * @param scope an admin's scope
 * @param name the new name, already validated
 */
export async function renameWorkspace(scope: TenantScope, name: string, meta: { ip?: string | null } = {}) {
  requireAdmin(scope);
  const next = name.trim();
  if (!next) throw badRequest("Cannot rename workspace: name is empty");
  return await scope.db.transaction(async (tx) => {
    const before = await getTenant({ tenantId: scope.tenantId, db: tx as unknown as TenantScope["db"] });
    if (before.name === next) return before;
    await updateTenantName(tx, scope, next);
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "workspace.renamed",
      targetType: "tenant",
      targetId: scope.tenantId,
      data: { before: before.name, after: next },
      ip: meta.ip,
    });
    return { ...before, name: next } satisfies Tenant;
  });
}

/**
 * Stores an image as the workspace's logo and points `branding.logo_url` at it, through
 * the settings' one write path (audited). Only the image types a browser shows inline are
 * taken, proven by their bytes, so a logo can never be a script or an SVG.
 * @param scope an admin's scope
 * @param file the uploaded file
 */
export async function storeLogo(
  scope: TenantScope,
  file: { bytes: Uint8Array; name: string },
  deps: Pick<ChatDeps, "config" | "storage">,
  meta: { ip?: string | null } = {},
): Promise<AdminSettings> {
  requireAdmin(scope);
  if (file.bytes.byteLength === 0) throw badRequest("Cannot set logo: the file is empty");
  if (file.bytes.byteLength > MAX_LOGO_BYTES) {
    throw badRequest(`Cannot set logo: the file is larger than ${MAX_LOGO_BYTES / 1024} KiB`);
  }
  const sniffed = sniffFile(file.bytes, file.name);
  if (!sniffed || !isInlineType(sniffed.contentType)) {
    throw badRequest("Cannot set logo: expected a PNG, JPEG, GIF or WebP image");
  }
  const key = newStorageKey();
  const writer = await deps.storage.create(scope, key);
  await writer.write(file.bytes);
  await writer.close();
  const { branding } = await loadAdminSettings(scope, deps);
  const previous = logoKeyOf(branding.logo_url);
  const settings = await updateAdminSettings(
    scope,
    { branding: { ...branding, logo_url: `${LOGO_PATH}${key}` } },
    deps,
    meta,
  );
  if (previous) await deps.storage.delete(scope, previous).catch(() => {});
  return settings;
}

/**
 * The workspace's uploaded logo, for its signed-in users. Only the key the settings name
 * is served, so the path cannot reach any other stored file.
 * @param scope the caller
 * @param key the key from the logo's path
 */
export async function openLogo(
  scope: TenantScope,
  key: string,
  deps: Pick<ChatDeps, "storage">,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const current = logoKeyOf(brandingOf((await getTenant(scope)).settings).logoUrl);
  if (!current || current !== key) throw notFound("Logo");
  const bytes = await deps.storage.get(scope, key);
  const sniffed = bytes && sniffFile(bytes, "logo");
  if (!bytes || !sniffed) throw notFound("Logo");
  return { bytes, contentType: sniffed.contentType };
}

function logoKeyOf(url: string | undefined): string | undefined {
  return url?.startsWith(LOGO_PATH) ? url.slice(LOGO_PATH.length) : undefined;
}
