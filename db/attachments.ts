import { Buffer } from "node:buffer";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import type { DbOrTx } from "./client.ts";
import { type Attachment, attachmentBlobs, attachments } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** One attachment row as a statement for a batch. */
export function attachmentInsertStatement(scope: TenantOnlyScope, a: Omit<Attachment, "tenantId">): InStatement {
  return {
    sql: `INSERT INTO attachments (id, tenant_id, message_id, conversation_id, filename, content_type, size,
      sha256, storage_key, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      a.id,
      scope.tenantId,
      a.messageId,
      a.conversationId,
      a.filename,
      a.contentType,
      a.size,
      a.sha256,
      a.storageKey,
      a.uploadedBy,
      a.createdAt.getTime(),
    ],
  };
}

/** Files of the given messages, in upload order. */
export async function listAttachmentsFor(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
): Promise<Attachment[]> {
  if (messageIds.length === 0) return [];
  return await db.select().from(attachments)
    .where(and(eq(attachments.tenantId, scope.tenantId), inArray(attachments.messageId, messageIds)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}

/** One file of the caller's tenant (callers check the conversation's visibility). */
export async function findAttachment(
  scope: TenantOnlyScope,
  attachmentId: string,
  db: DbOrTx = scope.db,
): Promise<Attachment | undefined> {
  const [row] = await db.select().from(attachments)
    .where(and(eq(attachments.tenantId, scope.tenantId), eq(attachments.id, attachmentId))).limit(1);
  return row;
}

/** Forgets a message's files; returns their storage keys so the bytes can be removed too. */
export async function deleteAttachmentsOf(
  scope: TenantOnlyScope,
  messageId: string,
  db: DbOrTx = scope.db,
): Promise<string[]> {
  const rows = await db.delete(attachments)
    .where(and(eq(attachments.tenantId, scope.tenantId), eq(attachments.messageId, messageId)))
    .returning({ key: attachments.storageKey });
  return rows.map((r) => r.key);
}

/** Stores file bytes in the database (the `db` storage backend). */
export async function putBlob(
  scope: TenantOnlyScope,
  storageKey: string,
  data: Uint8Array,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.insert(attachmentBlobs).values({ storageKey, tenantId: scope.tenantId, data: toBuffer(data) });
}

/** Reads file bytes stored in the database. */
export async function getBlob(
  scope: TenantOnlyScope,
  storageKey: string,
  db: DbOrTx = scope.db,
): Promise<Uint8Array | null> {
  const [row] = await db.select({ data: attachmentBlobs.data }).from(attachmentBlobs)
    .where(and(eq(attachmentBlobs.tenantId, scope.tenantId), eq(attachmentBlobs.storageKey, storageKey))).limit(1);
  return row ? new Uint8Array(row.data) : null;
}

/** Removes file bytes stored in the database. */
export async function deleteBlob(
  scope: TenantOnlyScope,
  storageKey: string,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.delete(attachmentBlobs)
    .where(and(eq(attachmentBlobs.tenantId, scope.tenantId), eq(attachmentBlobs.storageKey, storageKey)));
}

function toBuffer(data: Uint8Array) {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
