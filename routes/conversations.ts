import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../server/env.ts";
import { validate } from "./errors.ts";
import { requireUser } from "./middleware.ts";
import { displayText, labelText, text } from "../chat/text.ts";
import { isUuid } from "../db/ids.ts";
import { customFieldValuesInput } from "../chat/custom_fields/definitions.ts";
import {
  createConversation,
  getConversation,
  listConversations,
  listJoinable,
  listPeople,
  MAX_CONVERSATION_PAGE,
  startDirect,
  updateConversation,
} from "../chat/conversations/conversations.ts";
import {
  addParticipants,
  joinChannel,
  leaveConversation,
  removeParticipant,
  setConversationFlag,
} from "../chat/conversations/membership.ts";

/** A page of the conversation list: its cursor is the last conversation of the previous page, by updated_at and id. */
export const conversationListQuery = z.object({
  archived: z.enum(["true", "false", "1", "0"]).optional(),
  joinable: z.enum(["true", "false", "1", "0"]).optional(),
  before: z.iso.datetime({ offset: true, error: "expected the updated_at of a conversation" }).optional(),
  before_id: z.string().refine(isUuid, { error: "expected the id of a conversation" }).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CONVERSATION_PAGE).optional(),
}).refine((q) => q.before_id === undefined || q.before !== undefined, {
  error: "before_id goes with before",
  path: ["before_id"],
});
// seed 000's clients send numeric ids; ours are strings, so a number simply matches nobody
const startBody = z.object({ participant_id: z.union([text().min(1).max(100), z.number().int()]) });
// titles and topics are shown to every member: invisible format characters are removed
export const createBody = z.object({
  kind: z.enum(["group", "channel"]).default("group"),
  title: displayText().max(200),
  participant_ids: z.array(text().max(100)).max(500).default([]),
  topic: labelText().max(1000).nullish(),
  context_type: text().min(1).max(50).nullish(),
  context_id: text().min(1).max(200).nullish(),
  custom_fields: customFieldValuesInput.optional(),
});
const patchBody = z.object({
  title: displayText().max(200).optional(),
  topic: labelText().max(1000).nullable().optional(),
  custom_fields: customFieldValuesInput.optional(),
}).refine((b) => b.title !== undefined || b.topic !== undefined || b.custom_fields !== undefined, {
  message: "give title, topic or custom_fields",
});
const participantsBody = z.object({ user_ids: z.array(text().max(100)).min(1).max(500) });
const yes = (v?: string) => v === "true" || v === "1";

/** What a valid `conversationListQuery` asks `listConversations` for. */
export function listOptions(q: z.infer<typeof conversationListQuery>) {
  const before = q.before === undefined ? undefined : { updatedAt: new Date(q.before), id: q.before_id };
  return { archived: yes(q.archived), limit: q.limit, before };
}

export const conversationRoutes = new Hono<AppEnv>()
  .get("/conversations", requireUser, validate("query", conversationListQuery), async (c) => {
    const q = c.req.valid("query");
    const scope = c.var.scope;
    if (yes(q.joinable)) return c.json(await listJoinable(scope, c.var.deps));
    // `?cf_KEY=value` filters by a conversation custom field
    const fields = Object.entries(c.req.query()).filter(([k]) => k.startsWith("cf_")).map(([k, v]) => [k.slice(3), v]);
    const options = { ...listOptions(q), customFields: Object.fromEntries(fields) };
    return c.json(await listConversations(scope, options, c.var.deps));
  })
  .post("/conversations", requireUser, validate("json", createBody), async (c) => {
    const b = c.req.valid("json");
    const conversation = await createConversation(c.var.scope, {
      kind: b.kind,
      title: b.title,
      participantIds: b.participant_ids,
      topic: b.topic,
      contextType: b.context_type,
      contextId: b.context_id,
      customFields: b.custom_fields,
    }, c.var.deps);
    return c.json(conversation, 201);
  })
  .get("/conversations/presence", requireUser, async (c) => c.json(await listPeople(c.var.scope, c.var.deps)))
  .post("/conversations/start", requireUser, validate("json", startBody), async (c) => {
    const id = String(c.req.valid("json").participant_id);
    const { conversation, created } = await startDirect(c.var.scope, id, c.var.deps);
    return c.json(conversation, created ? 201 : 200);
  })
  .get(
    "/conversations/:id",
    requireUser,
    async (c) => c.json(await getConversation(c.var.scope, c.req.param("id"), c.var.deps)),
  )
  .patch("/conversations/:id", requireUser, validate("json", patchBody), async (c) => {
    const b = c.req.valid("json");
    const changes = { title: b.title, topic: b.topic, customFields: b.custom_fields };
    return c.json(await updateConversation(c.var.scope, c.req.param("id"), changes, c.var.deps));
  })
  .post("/conversations/:id/participants", requireUser, validate("json", participantsBody), async (c) => {
    const ids = c.req.valid("json").user_ids;
    return c.json(await addParticipants(c.var.scope, c.req.param("id"), ids, c.var.deps));
  })
  .delete("/conversations/:id/participants/:userId", requireUser, async (c) => {
    await removeParticipant(c.var.scope, c.req.param("id"), c.req.param("userId"), c.var.deps);
    return c.json({ status: "removed" });
  })
  .post("/conversations/:id/leave", requireUser, async (c) => {
    await leaveConversation(c.var.scope, c.req.param("id"), c.var.deps);
    return c.json({ status: "left" });
  })
  .post(
    "/conversations/:id/join",
    requireUser,
    async (c) => c.json(await joinChannel(c.var.scope, c.req.param("id"), c.var.deps)),
  )
  .patch("/conversations/:id/:flag{archive|unarchive|mute|unmute}", requireUser, async (c) => {
    const flag = c.req.param("flag");
    const change = flag.endsWith("archive") ? { isArchived: flag === "archive" } : { isMuted: flag === "mute" };
    await setConversationFlag(c.var.scope, c.req.param("id"), change);
    return c.json({ status: `${flag}d` });
  });
