import { Hono } from "hono";
import type { AppEnv } from "../../server/env.ts";
import { openAttachment } from "../../chat/messages/attachments.ts";
import { isInlineType, sanitizeFilename } from "../../chat/messages/files.ts";
import { requireUser } from "../middleware.ts";

/** RFC 5987 `value-chars`: UTF-8, percent-encoded except for `attr-char`. */
function extValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `Content-Disposition` with an ASCII fallback name and the exact UTF-8 one (RFC 6266).
 * The name is cleaned again on the way out, so a name stored before format characters
 * were stripped cannot reorder what the save dialog shows.
 */
function disposition(kind: "inline" | "attachment", stored: string): string {
  const filename = sanitizeFilename(stored);
  const fallback = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${extValue(filename)}`;
}

/** Downloads, for the members of the attachment's conversation; mounted at /api/chat/attachments. */
export const attachmentRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/:id", async (c) => {
    const { attachment, bytes } = await openAttachment(c.var.scope, c.req.param("id"), c.var.deps);
    const inline = isInlineType(attachment.contentType);
    c.header("Content-Type", attachment.contentType);
    c.header("Content-Length", String(bytes.byteLength));
    c.header("Content-Disposition", disposition(inline ? "inline" : "attachment", attachment.filename));
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "private, max-age=3600");
    c.header("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
    return c.body(bytes as Uint8Array<ArrayBuffer>);
  });
