import { Hono } from "hono";
import type { AppEnv } from "../server/env.ts";
import { adminUserRoutes } from "./admin_users.ts";
import { adminSettingsRoutes } from "./admin_settings.ts";

export const adminRoutes = new Hono<AppEnv>()
  .route("/users", adminUserRoutes)
  .route("/settings", adminSettingsRoutes);
