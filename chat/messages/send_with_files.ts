import { z } from "zod";
import type { MessageObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { AppError } from "../errors.ts";
import { loadChatSettings } from "../settings.ts";
import { MAX_CONTENT_LENGTH, MAX_FILES_PER_MESSAGE, messageLimitKey, requireOwnMark, sendMessage } from "./messages.ts";
import { receiveMultipart, type UploadSource } from "./multipart.ts";
import { text } from "../text.ts";

/** Seconds a client is asked to wait when it has too many uploads in flight. */
const UPLOAD_RETRY_SECONDS = 2;

// the same rules as a JSON send: no NUL or lone surrogates, format characters kept
const uploadFields = z.object({
  content: text().max(MAX_CONTENT_LENGTH).optional(),
  parent_id: text().max(100).optional(),
  client_id: text().max(100).optional(),
  // custom field values travel as one JSON text field
  custom_fields: text().max(64 * 1024).transform((raw, ctx) => {
    try {
      const value = JSON.parse(raw);
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "expected a JSON object" });
    return z.NEVER;
  }).optional(),
});

/**
 * Sends a message whose content and files come as a multipart body: content,
 * `attachments` once per file, parent_id, client_id. Whatever can refuse the send is
 * checked before a byte of the body is read (the caller's session, membership of the
 * conversation, the message rate limit and the user's uploads in flight, at most
 * MAX_CONCURRENT_UPLOADS), so a refused sender cannot make the server take in a large
 * body. The files are then streamed to storage (see `receiveMultipart`) and removed again
 * when the message is not created with them.
 * @param scope the sender
 * @param conversationId the conversation sent to
 * @param source the request body
 * @param deps storage, limits and rate limiter
 */
export async function sendMessageWithFiles(
  scope: TenantScope,
  conversationId: string,
  source: UploadSource,
  deps: ChatDeps,
): Promise<{ message: MessageObject; created: boolean }> {
  // checked before any file is stored
  await requireOwnMark(scope, conversationId);
  const settings = await loadChatSettings(scope, deps);
  const uploads = `chat:uploads:${scope.tenantId}:${scope.userId}`;
  const release = deps.limiter.acquire(uploads, deps.config.maxConcurrentUploads, UPLOAD_RETRY_SECONDS);
  try {
    deps.limiter.hit(messageLimitKey(scope), settings.messages_per_min, 60_000);
    const { fields, files } = await receiveMultipart(scope, source, {
      storage: deps.storage,
      limits: {
        fileBytes: deps.config.maxUploadBytes,
        // the files at their limit plus room for the text fields
        totalBytes: deps.config.maxUploadBytes * MAX_FILES_PER_MESSAGE + 1024 * 1024,
        files: MAX_FILES_PER_MESSAGE,
      },
    });
    const remove = () => Promise.allSettled(files.map((f) => deps.storage.delete(scope, f.key)));
    try {
      const sent = await sendMessage(scope, conversationId, { ...inputOf(fields), files, counted: true }, deps);
      // a retry answered with the first message keeps that message's files, not these
      if (!sent.created) await remove();
      return sent;
    } catch (e) {
      await remove();
      throw e;
    }
  } finally {
    release();
  }
}

function inputOf(
  fields: Map<string, string>,
): { content?: string; parentId: string | null; clientId: string | null; customFields?: Record<string, unknown> } {
  const parsed = uploadFields.safeParse(Object.fromEntries(fields));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("validation_error", `Invalid body: ${issue.path.join(".")} ${issue.message}`);
  }
  const b = parsed.data;
  return {
    content: b.content,
    parentId: b.parent_id || null,
    clientId: b.client_id || null,
    customFields: b.custom_fields,
  };
}
