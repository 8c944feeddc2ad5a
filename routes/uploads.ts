import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { UploadSource } from "../chat/messages/multipart.ts";
import { sendMessageWithFiles } from "../chat/messages/send_with_files.ts";
import { sendMessage } from "../chat/messages/messages.ts";
import type { MessageObject } from "../chat/objects.ts";
import { releaseFreedMemorySoon } from "../server/memory.ts";
import type { AppEnv } from "../server/env.ts";
import type { sendBody } from "./schemas.ts";
import { when } from "./validation.ts";
import { isUploadRequest } from "./upload_request.ts";

function incomingOf(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : null;
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
    body: body ? Readable.fromWeb(body as NodeReadableStream) : Readable.from([]),
    contentType,
  };
}

/**
 * Sends the message of an upload request (see `isUploadRequest`) for the signed-in user.
 * The buffers its body went through are handed back to the system soon after.
 */
async function sendUpload(
  c: Context<AppEnv>,
  conversationId: string,
): Promise<{ message: MessageObject; created: boolean }> {
  try {
    return await sendMessageWithFiles(c.var.scope, conversationId, uploadSource(c), c.var.deps);
  } finally {
    releaseFreedMemorySoon();
  }
}

/**
 * A body validator for the sends, kept off uploads: it would read the whole body before
 * the session and the limits were checked, where the upload streams it.
 * @param validator the validator of the other bodies
 */
export function unlessUpload<M extends MiddlewareHandler>(validator: M): M {
  return when((c) => !isUploadRequest(c), validator);
}

/**
 * Sends the message a request carries for the signed-in user: an upload's files and fields
 * as they stream in, or the fields of any other body, validated by `unlessUpload`.
 * @param conversationId the conversation
 * @param fields the validated fields (unused for an upload)
 */
export async function sendFromRequest(
  c: Context<AppEnv>,
  conversationId: string,
  fields: z.output<typeof sendBody>,
): Promise<MessageObject> {
  if (isUploadRequest(c)) return (await sendUpload(c, conversationId)).message;
  const input = {
    content: fields.content,
    parentId: fields.parent_id,
    clientId: fields.client_id,
    customFields: fields.custom_fields,
  };
  return (await sendMessage(c.var.scope, conversationId, input, c.var.deps)).message;
}
