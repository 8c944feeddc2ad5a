import type { Context } from "hono";
import type { IncomingMessage } from "node:http";
import { badRequest } from "../chat/errors.ts";
import { errorResponse } from "../routes/errors.ts";

/**
 * Reads a request body straight from the node request as it arrives, counting the bytes
 * whatever Content-Length or chunked framing announced: null as soon as it passes
 * `maxSize`, without reading the rest. Asking the adapter for the body instead builds a
 * complete web `Request` with a stream around the node request, and Hono's `bodyLimit`
 * cannot re-wrap that request when it has no body.
 * @param incoming the node request
 * @param maxSize the most bytes accepted
 */
export function readNodeBody(incoming: IncomingMessage, maxSize: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onGone);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size <= maxSize) return void chunks.push(chunk);
      stop();
      incoming.pause();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      if (chunks.length === 1) return resolve(chunks[0]);
      const body = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) body.set(chunk, at), at += chunk.byteLength;
      resolve(body);
    };
    // the client went away (or a timeout cut it off) before the body was complete
    const onGone = () => {
      stop();
      reject(badRequest("Request body ended before it was complete"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onGone);
    incoming.on("close", onGone);
  });
}

/**
 * Answers 413 and closes the connection: the rest of the body is never read, and the
 * connection cannot carry another request while unread body bytes are on it.
 */
export function bodyTooLarge(c: Context): Response {
  c.header("Connection", "close");
  return errorResponse(c, 413, "payload_too_large", "Request body too large");
}

/**
 * Enforces the size limit on a (non-multipart) body arriving over node:http and hands it
 * to Hono's body cache, where `c.req.json()`, `c.req.text()` and `c.req.parseBody()` find
 * it. A request without a body gets an empty one: routes that need a body answer 400.
 * @param incoming the node request
 * @param maxSize the most bytes accepted
 */
export async function limitNodeBody(
  c: Context,
  next: () => Promise<void>,
  incoming: IncomingMessage,
  maxSize: number,
): Promise<Response | void> {
  if (Number(c.req.header("content-length") ?? 0) > maxSize) return bodyTooLarge(c);
  const body = incoming.readableEnded ? new Uint8Array(0) : await readNodeBody(incoming, maxSize);
  if (body === null) return bodyTooLarge(c);
  // the cache holds promises of bodies (Hono types it as the bodies themselves)
  const cache = c.req.bodyCache as Record<string, unknown>;
  if (c.req.header("content-type")?.toLowerCase().startsWith("application/json")) {
    cache.text = Promise.resolve(new TextDecoder().decode(body));
  } else {
    // a node chunk may be a view into a shared pool: form parsing needs the body's own buffer
    cache.arrayBuffer = Promise.resolve(body.slice().buffer);
  }
  await next();
}
