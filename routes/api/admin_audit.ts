import { Hono } from "hono";
import { AUDIT_COLUMNS, listAuditEntries, streamAuditEntries } from "../../chat/admin/audit_log.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { csvBody, downloadHeaders, jsonLinesBody } from "../downloads.ts";
import { auditQuery } from "../schemas.ts";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", jsonl: "application/jsonl; charset=utf-8" };

export const adminAuditRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", zValidator("query", auditQuery, invalidInput), async (c) => {
    const { actor_id: actorId, before_id: beforeId, format, limit, ...rest } = c.req.valid("query");
    const query = { ...rest, actorId, beforeId };
    if (format === "json") return c.json(await listAuditEntries(c.var.scope, { ...query, limit }));
    const entries = await streamAuditEntries(c.var.scope, { ...query, format }, { ip: clientIp(c) });
    const body = format === "csv" ? csvBody(AUDIT_COLUMNS, entries) : jsonLinesBody(entries);
    const day = new Date(c.var.deps.now()).toISOString().slice(0, 10);
    return c.body(body, 200, downloadHeaders(CONTENT_TYPES[format], `audit-${day}.${format}`));
  });
