import type { Context, ErrorHandler } from "hono";
import { AppError } from "../../chat/errors.ts";
import type { MessageKey } from "../../i18n/mod.ts";
import { ErrorPage } from "../../views/error_page.tsx";
import { piiRefusalText } from "../../views/composer.tsx";
import type { AppEnv } from "../../server/env.ts";
import { onError } from "../errors.ts";

const ERROR_TEXT: Record<number, MessageKey> = {
  400: "ui.error_invalid",
  403: "ui.error_forbidden",
  404: "ui.error_not_found",
  409: "ui.error_conflict",
  413: "ui.error_too_large",
  415: "ui.error_type",
  429: "ui.error_rate_limited",
};

/**
 * Errors of browser routes: a toast for htmx requests, a small page otherwise. Every
 * sub-app of pages and fragments sets it with `.onError(uiError)`.
 */
export const uiError: ErrorHandler<AppEnv> = (err, c) => {
  if (!(err instanceof AppError) || err.status === 401) return onError(err, c);
  const text = err.code === "pii_blocked"
    ? piiRefusalText(c.var.t, err.details as string[])
    : uploadRefusalText(c, err) ?? c.var.t(ERROR_TEXT[err.status] ?? "ui.error_invalid");
  if (err.retryAfterSeconds !== undefined) c.header("Retry-After", String(Math.ceil(err.retryAfterSeconds)));
  // the composer shows this one inline (its hx-status:422) and keeps the text
  if (err.code === "pii_blocked" && c.req.header("hx-request")) return c.html(<span>{text}</span>, 422);
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

/**
 * A refused file, named with the reason (too large: the limit; a type not allowed); the
 * composer drops the file the `Parley-Refused-File` header names.
 */
function uploadRefusalText(c: Context<AppEnv>, err: AppError): string | undefined {
  const { filename, limit_bytes: limit } = (err.details ?? {}) as { filename?: string; limit_bytes?: number };
  if (filename === undefined) return undefined;
  c.header("Parley-Refused-File", encodeURIComponent(filename));
  if (err.code === "unsupported_media_type") return c.var.t("ui.file_type_refused", { name: filename });
  const mb = String(Math.round(((limit ?? 0) / (1024 * 1024)) * 10) / 10);
  return c.var.t("ui.file_too_large", { name: filename, mb });
}
