import { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { adminUserRoutes } from "./admin_users.ts";
import { adminAuditRoutes } from "./admin_audit.ts";
import { adminExportRoutes } from "./admin_export.ts";

export const adminRoutes = new Hono<AppEnv>()
  .route("/users", adminUserRoutes)
  .route("/audit", adminAuditRoutes)
  .route("/export", adminExportRoutes);
