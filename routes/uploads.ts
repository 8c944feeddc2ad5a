import type { Context, Next } from "hono";
import { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { UploadSource } from "../chat/multipart.ts";

/** The sends that take files: the API's and the composer's. */
const UPLOAD_PATH = /^\/(?:api\/chat|ui)\/conversations\/[^/]+\/messages\/?$/;

function incomingOf(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : null;
}

/** True for a multipart send with files, whose body its route reads as a stream. */
export function isUploadRequest(c: Context): boolean {
  return c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) &&
    c.req.header("content-type")?.toLowerCase().startsWith("multipart/form-data") === true;
}

/**
 * Lets an upload through without reading its body: the route reads it as it arrives,
 * after the session and rate limits passed, and enforces the file and body limits while
 * reading. An answer given before the whole body came in (401, 429, 413…) closes the
 * connection, so the client stops sending instead of the server draining the rest.
 */
export async function uploadPassage(c: Context, next: Next): Promise<void> {
  await next();
  const incoming = incomingOf(c);
  if (incoming && !incoming.readableEnded) c.header("Connection", "close");
}

/**
 * The body of an upload as a stream: straight from the node request when served over
 * HTTP (the adapter never builds a web body for it), or from the web request otherwise.
 */
export function uploadSource(c: Context): UploadSource {
  const contentType = c.req.header("content-type") ?? "";
  const incoming = incomingOf(c);
  if (incoming && !incoming.readableDidRead) return { body: incoming, contentType };
  const body = c.req.raw.body;
  return {
    body: body ? Readable.fromWeb(body as import("node:stream/web").ReadableStream) : Readable.from([]),
    contentType,
  };
}
