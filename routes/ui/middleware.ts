import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { AppError } from "../../chat/errors.ts";
import type { AppEnv } from "../../server/env.ts";
import { requireUser } from "../middleware.ts";

/** Header the embedded widget sends with its requests: it stays in place, whatever happens. */
export const WIDGET_HEADER = "x-parley-widget";

/** True for a request made by the embedded widget. */
export function fromWidget(c: Context<AppEnv>): boolean {
  return c.req.header(WIDGET_HEADER) === "1";
}

/** Runs `requireUser`; false instead of a 401 when there is no valid session. */
async function authenticate(c: Context<AppEnv>): Promise<boolean> {
  let authenticated = false;
  try {
    await requireUser(c, () => {
      authenticated = true;
      return Promise.resolve();
    });
  } catch (e) {
    if (!(e instanceof AppError && e.status === 401)) throw e;
  }
  return authenticated;
}

/**
 * Like `requireUser`, but a signed-out browser is sent to the login page instead of
 * getting a JSON 401. The widget is never sent away: it gets the 401 and shows its
 * sign-in bar.
 */
export const requirePageUser = createMiddleware<AppEnv>(async (c, next) => {
  if (!await authenticate(c)) {
    if (fromWidget(c)) return c.body(null, 401);
    if (c.req.header("hx-request")) {
      c.header("HX-Redirect", "/login");
      return c.body(null, 401);
    }
    return c.redirect("/login", 303);
  }
  await next();
});

/** Sets the caller (as `requireUser` does) when there is a valid session; goes on either way. */
export const optionalPageUser = createMiddleware<AppEnv>(async (c, next) => {
  await authenticate(c);
  await next();
});

/** Keeps a page out of caches: for pages whose address carries a credential (an invite or reset link). */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
