import type { Message } from "../../db/schema/mod.ts";
import { findMessage, reviseMessage, scrubMessageFromEvents, tombstoneMessage } from "../../db/messages.ts";
import { deleteAttachmentsOf } from "../../db/attachments.ts";
import { listMembers } from "../../db/participants.ts";
import { audit } from "../../db/audit.ts";
import type { MessageObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import { isUuid } from "../../db/ids.ts";
import { commitChange } from "../changes.ts";
import { type Membership, requireMember } from "../access.ts";
import { messageObjects } from "./object.ts";
import { limitAction, loadChatSettings } from "../settings.ts";
import { MAX_CONTENT_LENGTH } from "./messages.ts";
import { replaceMentions } from "../../db/mentions.ts";
import { setMessageCustomFields } from "../../db/custom_fields.ts";
import { resolveReferences } from "../mentions/resolve.ts";
import { loadFeatureSettings } from "../workspace_settings.ts";
import { checkCustomFields, type CustomFieldValues, mergeCustomFields } from "../custom_fields/definitions.ts";
import { applyPiiPolicy } from "../pii/mod.ts";
import { setPiiFlags } from "../../db/pii.ts";
import { withPiiFlags } from "./pii_flags.ts";

/** A message the caller can see (they are in its conversation), or 404. */
export async function requireVisibleMessage(
  scope: TenantScope,
  messageId: string,
): Promise<{ message: Message } & Membership> {
  const message = isUuid(messageId) ? await findMessage(scope, messageId) : undefined;
  if (!message) throw notFound("Message");
  try {
    return { message, ...await requireMember(scope, message.conversationId) };
  } catch {
    throw notFound("Message");
  }
}

/** One message as the caller may see it (404 otherwise); a deleted one reads as its tombstone. */
export async function getMessage(scope: TenantScope, messageId: string): Promise<MessageObject> {
  const { message, conversation } = await requireVisibleMessage(scope, messageId);
  const [object] = await withPiiFlags(
    scope,
    await messageObjects(scope, [message], await listMembers(scope, [conversation.id])),
  );
  return object;
}

/**
 * Changes a message's text or custom fields: its author only, within the tenant's edit
 * window; the former text goes to the edit history. New text resolves its mentions again:
 * people it newly mentions are named in the event, those it no longer mentions stop counting.
 * @param change content: the new text (undefined keeps it); customFields: values to set, null removes one
 */
export async function editMessage(
  scope: TenantScope,
  messageId: string,
  change: { content?: string; customFields?: CustomFieldValues },
  deps: ChatDeps,
): Promise<MessageObject> {
  const { message, conversation } = await requireVisibleMessage(scope, messageId);
  const written = change.content ?? message.content;
  if (message.senderId !== scope.userId) throw forbidden("Only the author can edit a message");
  if (message.deletedAt) throw conflict("Cannot edit message: it was deleted");
  if (written.length > MAX_CONTENT_LENGTH) {
    throw badRequest(`Cannot edit message: content is longer than ${MAX_CONTENT_LENGTH} characters`);
  }
  if (!written.trim() && !message.hasAttachments) throw badRequest("Cannot edit message: content is empty");
  const settings = await loadChatSettings(scope, deps);
  const now = new Date(deps.now());
  if (now.getTime() - message.createdAt.getTime() > settings.edit_window_minutes * 60_000) {
    throw forbidden(`Cannot edit message: the ${settings.edit_window_minutes}-minute edit window has passed`);
  }
  const features = await loadFeatureSettings(scope);
  // new text only, before it is stored, recorded or resolved (see `sendMessage`)
  const { content, flagged } = change.content === undefined
    ? { content: written, flagged: null }
    : applyPiiPolicy(features.pii, written);
  const fields = change.customFields === undefined ? undefined : checkCustomFields(
    features.customFields,
    "message",
    mergeCustomFields(message.customFields, change.customFields),
  );
  const fieldsChanged = fields !== undefined && JSON.stringify(fields) !== JSON.stringify(message.customFields);
  const textChanged = content !== message.content;
  // every edit is an event to all members and a row of history
  await limitAction(scope, "edits", deps);
  const references = textChanged ? await resolveReferences(scope, conversation.id, content, deps) : null;
  return await commitChange(scope, async (tx, record) => {
    const members = await listMembers(scope, [conversation.id], tx);
    const [before] = await messageObjects(scope, [message], members, tx);
    if (textChanged) {
      await reviseMessage(scope, message, { content, editedBy: scope.userId, at: now }, tx);
      await replaceMentions(scope, message, references!.targets, now, tx);
      // the flags describe the current text: a new text is flagged afresh or not at all
      await setPiiFlags(scope, message.id, flagged ?? [], tx);
    }
    if (fieldsChanged) await setMessageCustomFields(scope, message.id, fields!, tx);
    const updated = await findMessage(scope, message.id, tx) ?? message;
    const [object] = await messageObjects(scope, [updated], members, tx);
    if (!textChanged && !fieldsChanged) return object;
    const known = new Set(before.mentions.map((m) => m.user_id));
    const newMentions = object.mentions.filter((m) => !known.has(m.user_id));
    await record({
      type: "message_updated",
      conversationId: conversation.id,
      data: {
        conversation_id: conversation.id,
        message: object,
        ...(newMentions.length > 0 ? { new_mentions: newMentions } : {}),
        ...(object.mentions_all && !before.mentions_all ? { new_mentions_all: true } : {}),
      },
    });
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "message.edited",
      targetType: "message",
      targetId: message.id,
      data: { conversation_id: conversation.id },
    });
    if (textChanged && flagged && flagged.length > 0) {
      await audit(tx, scope, {
        actorId: scope.userId,
        action: "message.pii_flagged",
        targetType: "message",
        targetId: message.id,
        data: { conversation_id: conversation.id, pii: flagged },
      });
    }
    return textChanged && flagged && flagged.length > 0 && scope.role === "admin"
      ? { ...object, pii: flagged }
      : object;
  });
}

/**
 * Soft-deletes a message (its author or a tenant admin). The content, edit history, mentions
 * and files are erased; the tombstone keeps who deleted it and when. Deleting twice is a no-op.
 */
export async function deleteMessage(
  scope: TenantScope,
  messageId: string,
  deps: ChatDeps,
): Promise<MessageObject> {
  const { message, conversation } = await requireVisibleMessage(scope, messageId);
  if (message.kind === "system") throw forbidden("System messages cannot be deleted");
  if (message.senderId !== scope.userId && scope.role !== "admin") {
    throw forbidden("Only the author or an admin can delete a message");
  }
  const now = new Date(deps.now());
  const { object, keys } = await commitChange(scope, async (tx, record) => {
    const members = await listMembers(scope, [conversation.id], tx);
    if (message.deletedAt) {
      return { object: (await messageObjects(scope, [message], members, tx))[0], keys: [] };
    }
    await tombstoneMessage(scope, message.id, { deletedBy: scope.userId, at: now }, tx);
    const keys = await deleteAttachmentsOf(scope, message.id, tx);
    const updated = await findMessage(scope, message.id, tx) ?? message;
    const [object] = await messageObjects(scope, [updated], members, tx);
    await scrubMessageFromEvents(scope, object, { ...object }, tx);
    await record({
      type: "message_deleted",
      conversationId: conversation.id,
      data: { conversation_id: conversation.id, message_id: message.id },
    });
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "message.deleted",
      targetType: "message",
      targetId: message.id,
      data: { conversation_id: conversation.id, sender_id: message.senderId },
    });
    return { object, keys };
  });
  await Promise.allSettled(keys.map((key) => deps.storage.delete(scope, key)));
  return object;
}
