import { and, asc, eq, getTableColumns, gt } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { attachments, auditLog, conversations, messages, participants, reactions, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** What a workspace export holds, one kind of row per table, in this order. */
export const EXPORT_TABLES = {
  user: users,
  conversation: conversations,
  participant: participants,
  message: messages,
  reaction: reactions,
  attachment: attachments,
  audit: auditLog,
} as const;

export type ExportKind = keyof typeof EXPORT_TABLES;

/**
 * Columns an export leaves out: password hashes never leave the server, and a file's
 * storage key is where its bytes lie, which the download URL replaces.
 */
const LEFT_OUT: Partial<Record<ExportKind, string[]>> = { user: ["passwordHash"], attachment: ["storageKey"] };

type OwnedTable = SQLiteTable & { id: SQLiteColumn; tenantId: SQLiteColumn };

/**
 * One page of the tenant's rows of a table, by id.
 * @param scope the tenant
 * @param kind which table
 * @param page `after`: the last id of the previous page; `limit`: rows at most
 */
export async function exportPage(
  scope: TenantOnlyScope,
  kind: ExportKind,
  page: { after: string | null; limit: number },
): Promise<Record<string, unknown>[]> {
  const table = EXPORT_TABLES[kind] as unknown as OwnedTable;
  const columns = Object.fromEntries(
    Object.entries(getTableColumns(table)).filter(([name]) => !LEFT_OUT[kind]?.includes(name)),
  );
  return await scope.db.select(columns).from(table)
    .where(and(eq(table.tenantId, scope.tenantId), page.after === null ? undefined : gt(table.id, page.after)))
    .orderBy(asc(table.id))
    .limit(page.limit);
}
