import { Hono } from "hono";
import { exportWorkspace } from "../../chat/admin/export.ts";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin, requireUser } from "../middleware.ts";
import { downloadHeaders, jsonLinesBody } from "../downloads.ts";

export const adminExportRoutes = new Hono<AppEnv>()
  .use(requireUser, requireAdmin)
  .get("/", async (c) => {
    const { deps } = c.var;
    const { tenant, pages } = await exportWorkspace(c.var.scope, { publicUrl: deps.config.publicUrl, ip: clientIp(c) });
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    return c.body(
      jsonLinesBody(pages),
      200,
      downloadHeaders("application/jsonl; charset=utf-8", `parley-${tenant.slug}-${day}.jsonl`),
    );
  });
