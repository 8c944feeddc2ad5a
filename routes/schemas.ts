import { z } from "zod";
import { MAX_CONVERSATION_PAGE } from "../chat/conversations/conversations.ts";
import { MAX_CONTENT_LENGTH, MAX_PAGE } from "../chat/messages/messages.ts";
import { displayText, labelText, text } from "../chat/text.ts";
import { customFieldValuesInput } from "../chat/custom_fields/definitions.ts";

/**
 * The chat's request schemas, shared by the JSON API and the pages' forms that take the
 * same input (forms through `withoutEmpty`).
 */

const flag = z.enum(["true", "false", "1", "0"]);

/** A page of the conversation list: its cursor is the last conversation of the previous page, by updated_at and id. */
export const conversationListQuery = z.object({
  archived: flag.optional(),
  joinable: flag.optional(),
  before: z.iso.datetime({ offset: true, error: "expected the updated_at of a conversation" }).optional(),
  before_id: z.guid({ error: "expected the id of a conversation" }).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CONVERSATION_PAGE).optional(),
}).refine((q) => q.before_id === undefined || q.before !== undefined, {
  error: "before_id goes with before",
  path: ["before_id"],
});

/** True for a query flag that is set. */
export function isSet(value?: string): boolean {
  return value === "true" || value === "1";
}

/** What a valid `conversationListQuery` asks `listConversations` for. */
export function listOptions(q: z.infer<typeof conversationListQuery>) {
  const before = q.before === undefined ? undefined : { updatedAt: new Date(q.before), id: q.before_id };
  return { archived: isSet(q.archived), limit: q.limit, before };
}

// titles and topics are shown to every member: invisible format characters are removed
// support and assistant conversations are named after their bot when no title is given
export const createBody = z.object({
  kind: z.enum(["group", "channel", "support", "assistant"]).default("group"),
  title: displayText().max(200).optional(),
  participant_ids: z.array(text().max(100)).max(500).default([]),
  topic: labelText().max(1000).nullish(),
  context_type: text().min(1).max(50).nullish(),
  context_id: text().min(1).max(200).nullish(),
  custom_fields: customFieldValuesInput.optional(),
});

/** A page of messages: the newest, or those just before or after a message. */
export const pageQuery = z.object({
  since_id: z.string().max(100).optional(),
  before_id: z.string().max(100).optional(),
  around_id: z.string().max(100).optional(),
  sender_id: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});

/** What a valid `createBody` of a group or channel asks `createConversation` for. */
export function newConversation(b: z.output<typeof createBody> & { kind: "group" | "channel" }) {
  return {
    kind: b.kind,
    title: b.title ?? "",
    participantIds: b.participant_ids,
    topic: b.topic,
    contextType: b.context_type,
    contextId: b.context_id,
    customFields: b.custom_fields,
  };
}

// message text keeps format characters: emoji sequences are joined by U+200D
export const sendBody = z.object({
  content: text().max(MAX_CONTENT_LENGTH).optional(),
  parent_id: text().max(100).nullish(),
  client_id: text().min(1).max(100).nullish(),
  custom_fields: customFieldValuesInput.optional(),
});

export const editBody = z.object({
  content: text().max(MAX_CONTENT_LENGTH).optional(),
  custom_fields: customFieldValuesInput.optional(),
}).refine((b) => b.content !== undefined || b.custom_fields !== undefined, {
  message: "give content or custom_fields",
});

export const reactionBody = z.object({ emoji: text().min(1).max(64) });

/** Marks read up to `up_to_id`; without it, up to the newest message. */
export const readBody = z.object({ up_to_id: text().max(100).nullish() });

/**
 * An event id to resume a stream or poll after, from `Last-Event-ID` or `?after=`. Empty
 * means none: the stream starts from now.
 */
export const eventCursor = z.string()
  .regex(/^(\d{1,15})?$/, { error: "the event id must be a non-negative integer" })
  .transform((v) => v === "" ? undefined : Number(v))
  .optional();

/** Where a stream or poll resumes: `Last-Event-ID` (sent by reconnecting clients) wins over `?after=`. */
export const resumeHeader = z.object({ "last-event-id": eventCursor });
export const resumeQuery = z.object({ after: eventCursor });

/**
 * The resume cursor from the validated header and query. Null means "from now".
 * @param header the validated `resumeHeader`
 * @param query the validated `resumeQuery` (or a schema extending it)
 */
export function resumeCursor(
  header: z.output<typeof resumeHeader>,
  query: z.output<typeof resumeQuery>,
): number | null {
  return header["last-event-id"] ?? query.after ?? null;
}
