import { Hono } from "hono";
import type { ErrorHandler } from "hono";
import { AppError } from "../chat/errors.ts";
import type { MessageKey } from "../i18n/mod.ts";
import { ErrorPage } from "../views/error_page.tsx";
import type { AppEnv } from "../server/env.ts";
import { onError } from "./errors.ts";
import { staticRoutes } from "./ui_static.ts";
import { uiAuthRoutes } from "./ui_auth.tsx";
import { uiInviteRoutes } from "./ui_invite.tsx";
import { uiAppRoutes } from "./ui_app.tsx";
import { uiMessageRoutes } from "./ui_messages.tsx";
import { uiConversationRoutes } from "./ui_conversations.tsx";
import { requirePageUser } from "./ui_context.ts";
import { uiPollRoutes } from "./ui_poll.ts";

const ERROR_TEXT: Record<number, MessageKey> = {
  400: "ui.error_invalid",
  403: "ui.error_forbidden",
  404: "ui.error_not_found",
  409: "ui.error_conflict",
  413: "ui.error_too_large",
  415: "ui.error_type",
  429: "ui.error_rate_limited",
};

/** Errors of browser routes: a toast for htmx requests, a small page otherwise. */
const uiError: ErrorHandler<AppEnv> = (err, c) => {
  if (!(err instanceof AppError) || err.status === 401) return onError(err, c);
  const text = c.var.t(ERROR_TEXT[err.status] ?? "ui.error_invalid");
  if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(Math.ceil(err.retryAfterSeconds)));
  if (c.req.header("hx-request")) {
    return c.html(
      <hx-partial hx-target="body" hx-swap="beforeend">
        <p class="toast" role="alert">{text}</p>
      </hx-partial>,
      err.status as 400,
    );
  }
  return c.html(<ErrorPage locale={c.var.locale} t={c.var.t} text={text} />, err.status as 400);
};

const signedIn = new Hono<AppEnv>();
signedIn.use("/ui/*", requirePageUser);
signedIn.route("/", uiPollRoutes);
signedIn.route("/", uiMessageRoutes);
signedIn.route("/", uiConversationRoutes);
signedIn.onError(uiError);

export const pageRoutes = new Hono<AppEnv>();
pageRoutes.route("/", staticRoutes);
pageRoutes.route("/", uiAuthRoutes);
pageRoutes.route("/", uiInviteRoutes);
pageRoutes.route("/", uiAppRoutes);
pageRoutes.route("/", signedIn);
pageRoutes.onError(uiError);
