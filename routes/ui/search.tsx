import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { searchMessages } from "../../chat/search/search.ts";
import { listMentions } from "../../chat/mentions/mentions.ts";
import { FoundList } from "../../views/found_list.tsx";
import type { AppEnv } from "../../server/env.ts";
import { uiSearchQuery } from "../schemas.ts";
import { invalidInput } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";

/** How many results the sidebar lists. */
const FOUND_PAGE = 30;

/** The search box's results; mounted at /ui/search. */
export const uiSearchRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/", zValidator("query", uiSearchQuery, invalidInput), async (c) => {
    const q = c.req.valid("query").q?.trim() ?? "";
    // an emptied box clears the results
    if (!q) return c.html("");
    const messages = await searchMessages(c.var.scope, { q, limit: FOUND_PAGE });
    const t = c.var.t;
    return c.html(
      <FoundList title={t("ui.search")} messages={messages} empty={t("ui.search_no_results", { query: q })} t={t} />,
    );
  });

/** The messages that mention the viewer; mounted at /ui/mentions. */
export const uiMentionRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/", async (c) => {
    const messages = await listMentions(c.var.scope, { limit: FOUND_PAGE });
    const t = c.var.t;
    return c.html(<FoundList title={t("ui.mentions")} messages={messages} empty={t("ui.no_mentions")} t={t} />);
  });
