import { Hono } from "hono";
import type { Context } from "hono";
import { zValidator } from "@hono/zod-validator";
import { listAuditEntries } from "../../chat/admin/audit_log.ts";
import { listWorkspaceUsers, toUserObject } from "../../chat/accounts/users.ts";
import { AuditPage, AuditRows } from "../../views/admin/audit.tsx";
import type { AppEnv } from "../../server/env.ts";
import { requireAdmin } from "../middleware.ts";
import { auditQuery } from "../schemas.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadAdminShell } from "./admin_shell.ts";

const PAGE = 50;
const filterQuery = withoutEmpty(auditQuery.omit({ format: true, limit: true }));

/** One page of the filtered log, and the filter as the form and the links carry it. */
async function auditPage(c: Context<AppEnv>) {
  // the raw values go back into the form and links; the parsed ones into the query
  const { actor_id: actorId, before_id: beforeId, ...rest } = filterQuery.parse(c.req.query());
  const entries = await listAuditEntries(c.var.scope, { ...rest, actorId, beforeId, limit: PAGE + 1 });
  const raw = c.req.query();
  const filter = { actor_id: raw.actor_id, action: raw.action, from: raw.from, to: raw.to };
  return { entries: entries.slice(0, PAGE), hasMore: entries.length > PAGE, filter };
}

/** `/admin/audit`: the audit log viewer (admins only); mounted at /admin/audit. */
export const adminAuditPageRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser, requireAdmin)
  .get("/", zValidator("query", filterQuery, invalidInput), async (c) => {
    const shell = await loadAdminShell(c, "/admin/audit");
    const users = (await listWorkspaceUsers(c.var.scope)).map(toUserObject);
    return c.html(<AuditPage {...shell} users={users} {...await auditPage(c)} />);
  })
  .get("/rows", zValidator("query", filterQuery, invalidInput), async (c) => {
    return c.html(<AuditRows t={c.var.t} {...await auditPage(c)} />);
  });
