import { Hono } from "hono";
import type { AppEnv } from "./env.ts";

export const realtimeRoutes = new Hono<AppEnv>();
