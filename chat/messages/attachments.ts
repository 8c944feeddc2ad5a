import { findAttachment } from "../../db/attachments.ts";
import type { Attachment } from "../../db/schema/mod.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { notFound } from "../errors.ts";
import { isUuid } from "../../db/ids.ts";
import { requireMember } from "../access.ts";

/** A file and its bytes, for current members of its conversation only (404 for everyone else). */
export async function openAttachment(
  scope: TenantScope,
  attachmentId: string,
  deps: Pick<ChatDeps, "storage">,
): Promise<{ attachment: Attachment; bytes: Uint8Array }> {
  const attachment = isUuid(attachmentId) ? await findAttachment(scope, attachmentId) : undefined;
  if (!attachment) throw notFound("Attachment");
  try {
    await requireMember(scope, attachment.conversationId);
  } catch {
    throw notFound("Attachment");
  }
  const bytes = await deps.storage.get(scope, attachment.storageKey);
  if (!bytes) throw notFound("Attachment");
  return { attachment, bytes };
}
