import type { Context } from "hono";

/** The sends that take files: the API's and the composer's. */
const UPLOAD_PATH = /^\/(?:api\/chat|ui)\/conversations\/[^/]+\/messages\/?$/;

/**
 * True for a multipart send with files. Its body is not read by the generic body limit:
 * the route reads it as a stream once the session and rate limits passed, and enforces
 * the file and body limits while reading. When the answer goes out before the whole body
 * came in (401, 429, 413…), the server adapter discards the rest for a short while, so the
 * client can read the answer, then closes the connection. On its own, so the base
 * middleware can ask without loading the send path.
 */
export function isUploadRequest(c: Context): boolean {
  return c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) &&
    c.req.header("content-type")?.toLowerCase().startsWith("multipart/form-data") === true;
}
