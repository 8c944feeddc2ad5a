import { Hono } from "hono";
import type { AppEnv } from "./env.ts";

export const chatRoutes = new Hono<AppEnv>();
