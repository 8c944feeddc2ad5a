import { Hono } from "hono";
import type { AppEnv } from "./env.ts";

export const pageRoutes = new Hono<AppEnv>();
