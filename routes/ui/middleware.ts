import { createMiddleware } from "hono/factory";
import { AppError } from "../../chat/errors.ts";
import type { AppEnv } from "../../server/env.ts";
import { requireUser } from "../middleware.ts";

/**
 * Like `requireUser`, but a signed-out browser is sent to the login page instead of
 * getting a JSON 401.
 */
export const requirePageUser = createMiddleware<AppEnv>(async (c, next) => {
  let authenticated = false;
  try {
    await requireUser(c, () => {
      authenticated = true;
      return Promise.resolve();
    });
  } catch (e) {
    if (!(e instanceof AppError && e.status === 401)) throw e;
  }
  if (!authenticated) {
    if (c.req.header("hx-request")) {
      c.header("HX-Redirect", "/login");
      return c.body(null, 401);
    }
    return c.redirect("/login", 303);
  }
  await next();
});
