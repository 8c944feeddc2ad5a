import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../../server/env.ts";
import { displayText, labelText, text } from "../../chat/text.ts";
import {
  createConversation,
  getConversation,
  listConversations,
  listJoinable,
  listPeople,
  startDirect,
  updateConversation,
} from "../../chat/conversations/conversations.ts";
import {
  addParticipants,
  joinChannel,
  leaveConversation,
  removeParticipant,
  setConversationFlag,
} from "../../chat/conversations/membership.ts";
import { createAssistantConversation } from "../../chat/assistant/conversations.ts";
import { requireUser } from "../middleware.ts";
import { conversationListQuery, createBody, isSet, listOptions, newConversation } from "../schemas.ts";
import { markReadRoute, typingRoute } from "../conversation_signals.ts";
import { customFieldValuesInput } from "../../chat/custom_fields/definitions.ts";
import { invalidInput } from "../validation.ts";
import { conversationMessageRoutes } from "./messages.ts";
import { openSupport } from "../../chat/support/support.ts";

// seed 000's clients send numeric ids; ours are strings, so a number simply matches nobody
const startBody = z.object({ participant_id: z.union([text().min(1).max(100), z.number().int()]) });
const patchBody = z.object({
  title: displayText().max(200).optional(),
  topic: labelText().max(1000).nullable().optional(),
  custom_fields: customFieldValuesInput.optional(),
}).refine((b) => b.title !== undefined || b.topic !== undefined || b.custom_fields !== undefined, {
  message: "give title, topic or custom_fields",
});
const participantsBody = z.object({ user_ids: z.array(text().max(100)).min(1).max(500) });

const markRead = markReadRoute((c, _id, marked) => c.json({ status: "ok", marked_read: marked }));

/** Conversations, their members, read marks and typing, mounted at /api/chat/conversations. */
export const conversationRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", zValidator("query", conversationListQuery, invalidInput), async (c) => {
    const q = c.req.valid("query");
    const scope = c.var.scope;
    if (isSet(q.joinable)) return c.json(await listJoinable(scope, c.var.deps));
    // `?cf_KEY=value` filters by a conversation custom field
    const fields = Object.entries(c.req.query()).filter(([k]) => k.startsWith("cf_")).map(([k, v]) => [k.slice(3), v]);
    const options = { ...listOptions(q), customFields: Object.fromEntries(fields) };
    return c.json(await listConversations(scope, options, c.var.deps));
  })
  .post("/", zValidator("json", createBody, invalidInput), async (c) => {
    const b = c.req.valid("json");
    if (b.kind === "support") {
      // a requester has one open support conversation: asking again answers it (200)
      const { conversation, created } = await openSupport(c.var.scope, c.var.deps);
      return c.json(conversation, created ? 201 : 200);
    }
    const conversation = b.kind === "assistant"
      ? await createAssistantConversation(c.var.scope, { title: b.title }, c.var.deps)
      : await createConversation(c.var.scope, newConversation({ ...b, kind: b.kind }), c.var.deps);
    return c.json(conversation, 201);
  })
  .get("/presence", async (c) => c.json(await listPeople(c.var.scope, c.var.deps)))
  .post("/start", zValidator("json", startBody, invalidInput), async (c) => {
    const id = String(c.req.valid("json").participant_id);
    const { conversation, created } = await startDirect(c.var.scope, id, c.var.deps);
    return c.json(conversation, created ? 201 : 200);
  })
  .get("/:id", async (c) => c.json(await getConversation(c.var.scope, c.req.param("id"), c.var.deps)))
  .patch("/:id", zValidator("json", patchBody, invalidInput), async (c) => {
    const b = c.req.valid("json");
    const changes = { title: b.title, topic: b.topic, customFields: b.custom_fields };
    return c.json(await updateConversation(c.var.scope, c.req.param("id"), changes, c.var.deps));
  })
  .post("/:id/participants", zValidator("json", participantsBody, invalidInput), async (c) => {
    const ids = c.req.valid("json").user_ids;
    return c.json(await addParticipants(c.var.scope, c.req.param("id"), ids, c.var.deps));
  })
  .delete("/:id/participants/:userId", async (c) => {
    await removeParticipant(c.var.scope, c.req.param("id"), c.req.param("userId"), c.var.deps);
    return c.json({ status: "removed" });
  })
  .post("/:id/leave", async (c) => {
    await leaveConversation(c.var.scope, c.req.param("id"), c.var.deps);
    return c.json({ status: "left" });
  })
  .post("/:id/join", async (c) => c.json(await joinChannel(c.var.scope, c.req.param("id"), c.var.deps)))
  .patch("/:id/:flag{archive|unarchive|mute|unmute}", async (c) => {
    const flag = c.req.param("flag");
    const change = flag.endsWith("archive") ? { isArchived: flag === "archive" } : { isMuted: flag === "mute" };
    await setConversationFlag(c.var.scope, c.req.param("id"), change);
    return c.json({ status: `${flag}d` });
  })
  .post("/:id/mark_read", ...markRead)
  .put("/:id/read", ...markRead)
  .post("/:id/typing", typingRoute((c) => c.json({ status: "ok" })))
  .route("/:id/messages", conversationMessageRoutes);
