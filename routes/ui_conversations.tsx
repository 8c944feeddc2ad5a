import { Hono } from "hono";
import { createConversation, getConversation } from "../chat/conversations/conversations.ts";
import { joinChannel, setConversationFlag } from "../chat/conversations/membership.ts";
import { notFound } from "../chat/errors.ts";
import { ConversationRow } from "../views/conversation_list.tsx";
import type { AppEnv } from "../server/env.ts";
import { paneResponse } from "./ui_pane.tsx";
import { parseInput } from "./errors.ts";
import { createBody } from "./conversations.ts";

const FLAGS = {
  mute: { isMuted: true },
  unmute: { isMuted: false },
  archive: { isArchived: true },
  unarchive: { isArchived: false },
} as const;

export const uiConversationRoutes = new Hono<AppEnv>();

uiConversationRoutes.get("/ui/conversations/:id", (c) => paneResponse(c, c.req.param("id")));

// one row, for a conversation that comes alive while the list shows only newer ones
uiConversationRoutes.get("/ui/conversations/:id/row", async (c) => {
  const conversation = await getConversation(c.var.scope, c.req.param("id"), c.var.deps);
  // channels are visible to non-members, but only members have them in their list
  if (!conversation.participants.some((p) => p.id === c.var.user.id)) throw notFound("Conversation");
  return c.html(<ConversationRow conversation={conversation} t={c.var.t} />);
});

uiConversationRoutes.post("/ui/conversations/:id/:flag{mute|unmute|archive|unarchive}", async (c) => {
  const id = c.req.param("id");
  const flag = c.req.param("flag") as keyof typeof FLAGS;
  await setConversationFlag(c.var.scope, id, FLAGS[flag]);
  // an archived row leaves the active list (and an unarchived one the archive)
  if (flag === "archive" || flag === "unarchive") return c.body("");
  const conversation = await getConversation(c.var.scope, id, c.var.deps);
  return c.html(<ConversationRow conversation={conversation} t={c.var.t} />);
});

uiConversationRoutes.post("/ui/conversations/:id/join", async (c) => {
  const conversation = await joinChannel(c.var.scope, c.req.param("id"), c.var.deps);
  return await paneResponse(c, conversation.id);
});

uiConversationRoutes.post("/ui/groups", async (c) => {
  const body = await c.req.parseBody({ all: true });
  const ids = [body.participant_ids].flat().filter((v): v is string => typeof v === "string");
  const fields = parseInput(createBody, {
    kind: body.kind === "channel" ? "channel" : "group",
    title: typeof body.title === "string" ? body.title : "",
    participant_ids: ids,
  });
  const conversation = await createConversation(c.var.scope, {
    kind: fields.kind,
    title: fields.title,
    participantIds: fields.participant_ids,
  }, c.var.deps);
  return await paneResponse(c, conversation.id);
});
