import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import {
  CONVERSATION_PAGE,
  createConversation,
  getConversation,
  listConversations,
  listPeople,
  startDirect,
} from "../../chat/conversations/conversations.ts";
import { NewGroupForm } from "../../views/new_conversation.tsx";
import { joinChannel, setConversationFlag } from "../../chat/conversations/membership.ts";
import { unreadOf } from "../../chat/conversations/unread.ts";
import { unreadMentionsOf } from "../../chat/mentions/mentions.ts";
import { text } from "../../chat/text.ts";
import {
  ConversationList,
  ConversationRow,
  ConversationRows,
  MentionBadgeUpdate,
  UnreadBadgeUpdate,
} from "../../views/conversation_list.tsx";
import type { AppEnv } from "../../server/env.ts";
import { markReadRoute, typingRoute } from "../conversation_signals.ts";
import {
  conversationListQuery,
  createBody,
  listOptions,
  mentionableQuery,
  newConversation,
  paneQuery,
} from "../schemas.ts";
import { formList, invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { uiConversationMessageRoutes } from "./messages.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadPane, paneResponse } from "./pane.tsx";
import { mentionSuggestions } from "../../chat/mentions/suggestions.ts";
import { MentionMenu } from "../../views/mention_menu.tsx";

const FLAGS = {
  mute: { isMuted: true },
  unmute: { isMuted: false },
  archive: { isArchived: true },
  unarchive: { isArchived: false },
} as const;

// one checked person arrives as a single value
const groupForm = withoutEmpty(createBody.extend({
  kind: z.enum(["group", "channel"]).default("group"),
  participant_ids: formList(createBody.shape.participant_ids),
}));
const directForm = withoutEmpty(z.object({ user_id: text().max(100) }));

// the badge shows what is still unread: a page marks read only up to what it showed
const markRead = markReadRoute(async (c, id) => {
  const [{ unread }, mentions] = await Promise.all([unreadOf(c.var.scope, id), unreadMentionsOf(c.var.scope, id)]);
  return c.html(
    <>
      <UnreadBadgeUpdate conversationId={id} count={unread} t={c.var.t} />
      <MentionBadgeUpdate conversationId={id} count={mentions} t={c.var.t} />
    </>,
  );
});

/** The conversation list, an open conversation and what a member does to it; mounted at /ui/conversations. */
export const uiConversationRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/", zValidator("query", conversationListQuery, invalidInput), async (c) => {
    const options = { ...listOptions(c.req.valid("query")), limit: CONVERSATION_PAGE };
    const conversations = await listConversations(c.var.scope, options, c.var.deps);
    const page = {
      conversations,
      t: c.var.t,
      archived: options.archived,
      hasMore: conversations.length === options.limit,
    };
    // a next page goes in place of the list's last item; the first one is the whole list
    return c.html(options.before ? <ConversationRows {...page} /> : <ConversationList {...page} />);
  })
  .get(
    "/:id",
    zValidator("query", withoutEmpty(paneQuery), invalidInput),
    (c) => paneResponse(c, c.req.param("id"), { aroundId: c.req.valid("query").around_id }),
  )
  .get("/:id/mentionable", zValidator("query", mentionableQuery, invalidInput), async (c) => {
    const id = c.req.param("id");
    const q = c.req.valid("query").q ?? "";
    const people = await mentionSuggestions(c.var.scope, id, q, c.var.deps);
    return c.html(<MentionMenu conversationId={id} query={q} people={people} t={c.var.t} />);
  })
  .post("/:id/:flag{mute|unmute|archive|unarchive}", async (c) => {
    const id = c.req.param("id");
    const flag = c.req.param("flag") as keyof typeof FLAGS;
    await setConversationFlag(c.var.scope, id, FLAGS[flag]);
    // an archived row leaves the active list (and an unarchived one the archive)
    if (flag === "archive" || flag === "unarchive") return c.body("");
    const conversation = await getConversation(c.var.scope, id, c.var.deps);
    return c.html(<ConversationRow conversation={conversation} t={c.var.t} />);
  })
  .post("/:id/join", async (c) => {
    const conversation = await joinChannel(c.var.scope, c.req.param("id"), c.var.deps);
    return await paneResponse(c, conversation.id);
  })
  .post("/:id/read", ...markRead)
  .post("/:id/typing", typingRoute((c) => c.body(null, 204)))
  .route("/:id/messages", uiConversationMessageRoutes);

/** A new group or channel from the form, answered with its pane; mounted at /ui/groups. */
export const uiGroupRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .post("/", zValidator("form", groupForm, invalidInput), async (c) => {
    const conversation = await createConversation(c.var.scope, newConversation(c.req.valid("form")), c.var.deps);
    const pane = await loadPane(c, conversation.id);
    // the form starts over: a fresh one in its place, closed
    const form = <NewGroupForm people={await listPeople(c.var.scope, c.var.deps)} t={c.var.t} />;
    c.header("HX-Push-Url", `/c/${conversation.id}`);
    return c.html(
      <>
        {pane}
        <hx-partial hx-target="#new-group" hx-swap="outerHTML">{form}</hx-partial>
      </>,
    );
  });

/** The direct conversation with someone from the people list, answered with its pane; mounted at /ui/direct. */
export const uiDirectRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .post("/", zValidator("form", directForm, invalidInput), async (c) => {
    const { conversation } = await startDirect(c.var.scope, c.req.valid("form").user_id, c.var.deps);
    return await paneResponse(c, conversation.id);
  });
