import { Hono } from "hono";
import { z } from "zod";
import { AUDIT_COLUMNS, listAuditEntries, streamAuditEntries } from "../../chat/admin/audit_log.ts";
import { text } from "../../chat/text.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { zValidator } from "@hono/zod-validator";
import { invalidInput } from "../validation.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { csvBody, downloadHeaders, jsonLinesBody } from "../downloads.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A time, or a date (UTC); a date as `to` takes in the whole day. */
const instant = (endOfDay: boolean) =>
  z.union([
    z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
    z.iso.date().transform((v) => new Date(Date.parse(`${v}T00:00:00Z`) + (endOfDay ? DAY_MS : 0))),
  ], { error: "expected an ISO 8601 date or date-time" });

const auditQuery = z.object({
  actor_id: z.uuid().optional(),
  action: text().min(1).max(64).optional(),
  from: instant(false).optional(),
  to: instant(true).optional(),
  before_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  format: z.enum(["json", "csv", "jsonl"]).default("json"),
});

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
