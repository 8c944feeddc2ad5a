import { Hono } from "hono";
import { listConversations, startDirect } from "../chat/conversations.ts";
import { AppPage } from "../views/app_page.tsx";
import { WidgetPage } from "../views/widget_page.tsx";
import { EmptyPane } from "../views/message_list.tsx";
import { ConversationList } from "../views/conversation_list.tsx";
import type { AppEnv } from "./env.ts";
import { requirePageUser } from "./ui_context.ts";
import { loadShell } from "./ui_shell.ts";
import { loadPane, paneResponse } from "./ui_pane.tsx";
import { brandingOf, getWorkspace } from "../chat/workspace.ts";

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

uiAppRoutes.get("/ui/conversations", async (c) => {
  const archived = c.req.query("archived") === "true";
  const conversations = await listConversations(c.var.scope, { archived }, c.var.deps);
  return c.html(<ConversationList conversations={conversations} t={c.var.t} archived={archived} />);
});

uiAppRoutes.post("/ui/direct", async (c) => {
  const body = await c.req.parseBody();
  const userId = typeof body.user_id === "string" ? body.user_id : "";
  const { conversation } = await startDirect(c.var.scope, userId, c.var.deps);
  return await paneResponse(c, conversation.id);
});
