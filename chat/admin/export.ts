import { audit } from "../../db/audit.ts";
import { EXPORT_TABLES, type ExportKind, exportPage } from "../../db/export.ts";
import { getTenant } from "../../db/tenants.ts";
import type { Tenant } from "../../db/schema/mod.ts";
import { attachmentUrl } from "../messages/object.ts";
import type { TenantScope } from "../tenancy.ts";
import { requireAdmin } from "./audit_log.ts";

/** Rows read per query while an export streams. */
const PAGE = 500;

/** One line of an export: its kind, then the row's fields in snake_case. */
export type ExportRecord = { type: "workspace" | ExportKind } & Record<string, unknown>;

/**
 * The caller's whole workspace as records, in pages read as the consumer pulls for them:
 * the workspace, then its users (without password hashes), conversations, participants,
 * messages, reactions, attachments (metadata with a download URL) and audit log. Every
 * query takes the caller's scope, so no other workspace's row can appear. The export is
 * audited before its first row is read.
 * @param scope an admin's scope
 * @param options `publicUrl` for download links, the client's `ip` for the audit entry
 */
export async function exportWorkspace(
  scope: TenantScope,
  options: { publicUrl: string; ip?: string | null },
): Promise<{ tenant: Tenant; pages: AsyncGenerator<ExportRecord[]> }> {
  requireAdmin(scope);
  const tenant = await getTenant(scope);
  await audit(scope.db, scope, {
    actorId: scope.userId,
    action: "export",
    targetType: "tenant",
    targetId: scope.tenantId,
    data: { format: "jsonl" },
    ip: options.ip,
  });
  async function* pages(): AsyncGenerator<ExportRecord[]> {
    yield [{ type: "workspace", ...snakeCase(tenant) }];
    for (const kind of Object.keys(EXPORT_TABLES) as ExportKind[]) {
      let after: string | null = null;
      while (true) {
        const rows = await exportPage(scope, kind, { after, limit: PAGE });
        if (rows.length > 0) yield rows.map((row) => toRecord(kind, row, options.publicUrl));
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1].id as string;
      }
    }
  }
  return { tenant, pages: pages() };
}

function toRecord(kind: ExportKind, row: Record<string, unknown>, publicUrl: string): ExportRecord {
  const record: ExportRecord = { type: kind, ...snakeCase(row) };
  if (kind === "attachment") record.download_url = `${publicUrl}${attachmentUrl(row.id as string)}`;
  return record;
}

function snakeCase(row: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      value instanceof Date ? value.toISOString() : value,
    ]),
  );
}
