import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { getConversation, listPeople, updateConversation } from "../../chat/conversations/conversations.ts";
import { addParticipants, leaveConversation } from "../../chat/conversations/membership.ts";
import { managementOf } from "../../chat/conversations/manage.ts";
import { GroupManagePanel } from "../../views/group_manage.tsx";
import type { AppEnv } from "../../server/env.ts";
import { createBody } from "../schemas.ts";
import { formList, invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { paneResponse } from "./pane.tsx";

const renameForm = withoutEmpty(createBody.pick({ title: true }));
const membersForm = withoutEmpty(z.object({ user_ids: formList(createBody.shape.participant_ids.unwrap().min(1)) }));

/**
 * Managing a group or channel from its pane: rename, add people, leave. The domain checks
 * who may; mounted at /ui/conversations beside the conversation routes.
 */
export const uiGroupManageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use("/:id/*", requirePageUser)
  .get("/:id/manage", async (c) => {
    const { scope, deps } = c.var;
    const id = c.req.param("id");
    const rights = await managementOf(scope, id);
    const conversation = await getConversation(scope, id, deps);
    const members = new Set(conversation.participants.map((p) => p.id));
    const candidates = rights.canManage ? (await listPeople(scope, deps)).filter((p) => !members.has(p.id)) : [];
    return c.html(<GroupManagePanel conversation={conversation} {...rights} candidates={candidates} t={c.var.t} />);
  })
  .post("/:id/rename", zValidator("form", renameForm, invalidInput), async (c) => {
    await updateConversation(c.var.scope, c.req.param("id"), { title: c.req.valid("form").title }, c.var.deps);
    return await paneResponse(c, c.req.param("id"));
  })
  .post("/:id/members", zValidator("form", membersForm, invalidInput), async (c) => {
    await addParticipants(c.var.scope, c.req.param("id"), c.req.valid("form").user_ids, c.var.deps);
    return await paneResponse(c, c.req.param("id"));
  })
  .post("/:id/leave", async (c) => {
    await leaveConversation(c.var.scope, c.req.param("id"), c.var.deps);
    c.header("HX-Redirect", "/");
    return c.body("");
  });
