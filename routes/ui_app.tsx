import { Hono } from "hono";
import { CONVERSATION_PAGE, listConversations, startDirect } from "../chat/conversations/conversations.ts";
import { AppPage } from "../views/app_page.tsx";
import { WidgetPage } from "../views/widget_page.tsx";
import { EmptyPane } from "../views/message_list.tsx";
import { ConversationList, ConversationRows } from "../views/conversation_list.tsx";
import type { AppEnv } from "../server/env.ts";
import { validate } from "./errors.ts";
import { conversationListQuery, listOptions } from "./conversations.ts";
import { requirePageUser } from "./ui_context.ts";
import { loadShell } from "./ui_shell.ts";
import { loadPane, paneResponse } from "./ui_pane.tsx";
import { brandingOf, getWorkspace } from "../chat/accounts/workspace.ts";

export const uiAppRoutes = new Hono<AppEnv>();

uiAppRoutes.use("/", requirePageUser);
uiAppRoutes.use("/c/*", requirePageUser);
uiAppRoutes.use("/widget", requirePageUser);
uiAppRoutes.use("/brand.css", requirePageUser);
uiAppRoutes.use("/ui/conversations", requirePageUser);
uiAppRoutes.use("/ui/direct", requirePageUser);

uiAppRoutes.get("/", async (c) => {
  const shell = await loadShell(c, "/");
  return c.html(<AppPage {...shell} pane={<EmptyPane t={c.var.t} />} open={false} />);
});

uiAppRoutes.get("/c/:id", async (c) => {
  const id = c.req.param("id");
  const pane = await loadPane(c, id);
  const shell = await loadShell(c, `/c/${id}`);
  return c.html(<AppPage {...shell} pane={pane} open />);
});

uiAppRoutes.get("/widget", async (c) => {
  const shell = await loadShell(c, "/widget");
  return c.html(<WidgetPage {...shell} />);
});

uiAppRoutes.get("/brand.css", async (c) => {
  const { color } = brandingOf((await getWorkspace(c.var.scope)).settings);
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", "private, max-age=31536000, immutable");
  return c.body(color ? `:root { --brand: ${color}; }\n` : "");
});

uiAppRoutes.get("/ui/conversations", validate("query", conversationListQuery), async (c) => {
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
});

uiAppRoutes.post("/ui/direct", async (c) => {
  const body = await c.req.parseBody();
  const userId = typeof body.user_id === "string" ? body.user_id : "";
  const { conversation } = await startDirect(c.var.scope, userId, c.var.deps);
  return await paneResponse(c, conversation.id);
});
