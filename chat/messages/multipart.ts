import type { Readable } from "node:stream";
import { createHash } from "node:crypto";
import type { BusboyFileStream, BusboyInstance } from "@fastify/busboy";
import type { TenantOnlyScope } from "../tenancy.ts";
import { type AttachmentStorage, type BlobWriter, newStorageKey } from "./storage.ts";
import { AppError, badRequest } from "../errors.ts";
import { FileSniffer, nameForType, sanitizeFilename } from "./files.ts";

/** A multipart request body as it arrives. */
export interface UploadSource {
  body: Readable;
  /** The request's Content-Type, with its boundary. */
  contentType: string;
}

/** A file checked and written to storage, not yet attached to a message. */
export interface StoredUpload {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  key: string;
}

/** What one multipart body may hold. */
export interface UploadLimits {
  /** Bytes per file (MAX_UPLOAD_MB). */
  fileBytes: number;
  /** Bytes of the whole body. */
  totalBytes: number;
  files: number;
}

/** Form fields that carry files; file parts under other names are skipped. */
const FILE_FIELDS = new Set(["attachments", "attachments[]"]);
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 64 * 1024;

// the details name the refused file and the limit, so a client can say which and why
function tooLarge(what: string, limit: number, filename?: string): AppError {
  const details = { ...(filename === undefined ? {} : { filename }), limit_bytes: limit };
  return new AppError("payload_too_large", `Cannot upload ${what}: larger than ${limit} bytes`, details);
}

function notAllowed(filename: string): AppError {
  return new AppError("unsupported_media_type", `Cannot upload "${filename}": file type not allowed`, { filename });
}

/**
 * Reads a multipart body as it arrives and writes each file to storage chunk by chunk,
 * checking its size, type and digest on the way: memory holds a few chunks per upload,
 * never a whole file or body. The first file over `fileBytes`, a body over `totalBytes`,
 * or bytes that cannot be an allowed type stop the reading at once. On any failure every
 * file written so far is removed before the error is thrown, so nothing is left behind.
 * Field values are the first of each name.
 * @param scope the uploader's tenant, under which files are stored
 * @param source the body and its Content-Type
 * @param options where files go and how much may come
 */
export async function receiveMultipart(
  scope: TenantOnlyScope,
  source: UploadSource,
  options: { storage: AttachmentStorage; limits: UploadLimits },
): Promise<{ fields: Map<string, string>; files: StoredUpload[] }> {
  // the parser is loaded with the first upload, not at start-up
  const { Busboy } = await import("@fastify/busboy");
  const { storage, limits } = options;
  const { body } = source;
  const fields = new Map<string, string>();
  // by position in the body: a small file may finish writing before a larger one ahead of it
  const stored: (StoredUpload | null)[] = [];
  const tasks: Promise<void>[] = [];
  let current: BusboyFileStream | null = null;
  let failure: { error: unknown } | null = null;
  let received = 0;

  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        headers: { "content-type": source.contentType },
        limits: {
          fileSize: limits.fileBytes + 1,
          files: limits.files,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          parts: limits.files + MAX_FIELDS + 1,
        },
      });
    } catch {
      return reject(badRequest("Malformed multipart body: no boundary"));
    }

    const fail = async (error: unknown) => {
      if (failure) return;
      failure = { error };
      // stop reading: the rest of the body is never parsed or stored
      body.unpipe(parser);
      body.off("data", count);
      body.pause();
      current?.destroy(error instanceof Error ? error : new Error(String(error)));
      await Promise.allSettled(tasks);
      await Promise.allSettled(stored.map((f) => f && storage.delete(scope, f.key)));
      reject(error);
    };
    const count = (chunk: Uint8Array) => {
      received += chunk.byteLength;
      if (received > limits.totalBytes) fail(tooLarge("the message", limits.totalBytes));
    };
    const onClose = () => {
      if (!body.readableEnded) fail(badRequest("Upload aborted before the body was complete"));
    };

    parser.on("file", (field, stream, filename) => {
      if (failure || !FILE_FIELDS.has(field)) return void stream.resume();
      current = stream;
      const index = tasks.length;
      tasks.push(
        storeFile(scope, stream, filename, { storage, limits }).then(
          (file) => void (stored[index] = file),
          // not awaited: `fail` waits for every task, this one included
          (e) => void fail(e),
        ).finally(() => {
          if (current === stream) current = null;
        }),
      );
    });
    parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return void fail(tooLarge(`field "${name.slice(0, 40)}"`, MAX_FIELD_BYTES));
      if (!fields.has(name)) fields.set(name, value);
    });
    parser.on("filesLimit", () => fail(badRequest(`Cannot send message: more than ${limits.files} files`)));
    parser.on("fieldsLimit", () => fail(badRequest(`Malformed multipart body: more than ${MAX_FIELDS} fields`)));
    parser.on("partsLimit", () => fail(badRequest("Malformed multipart body: too many parts")));
    parser.on("error", () => fail(badRequest("Malformed multipart body")));
    parser.on("finish", async () => {
      await Promise.allSettled(tasks);
      if (!failure) resolve({ fields, files: stored.filter((f) => f !== null && f !== undefined) });
    });
    body.on("data", count);
    body.on("error", () => fail(badRequest("Upload aborted before the body was complete")));
    body.on("close", onClose);
    body.pipe(parser);
  });
}

/**
 * Streams one file part into storage. The writer is opened with the first byte, so the
 * empty part a browser sends for "no file chosen" writes nothing (and yields null).
 */
async function storeFile(
  scope: TenantOnlyScope,
  stream: BusboyFileStream,
  rawName: string | undefined,
  options: { storage: AttachmentStorage; limits: UploadLimits },
): Promise<StoredUpload | null> {
  const filename = sanitizeFilename(rawName ?? "");
  const sniffer = new FileSniffer();
  const hash = createHash("sha256");
  const key = newStorageKey();
  let writer: BlobWriter | null = null;
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > options.limits.fileBytes) throw tooLarge(`"${filename}"`, options.limits.fileBytes, filename);
      if (!sniffer.push(chunk)) throw notAllowed(filename);
      // WebCrypto's digest takes the whole input at once; node:crypto's hash takes it in pieces
      hash.update(chunk);
      writer ??= await options.storage.create(scope, key);
      await writer.write(chunk);
    }
    if (size === 0 && !rawName) return null;
    const sniffed = sniffer.finish(filename);
    if (!sniffed || !writer) throw notAllowed(filename);
    await writer.close();
    return {
      // cleaned again: the new extension must not take the name past its length limit
      filename: sanitizeFilename(nameForType(filename, sniffed.extension)),
      contentType: sniffed.contentType,
      size,
      sha256: hash.digest("hex"),
      key,
    };
  } catch (e) {
    await writer?.abort();
    // drain what is left of this part, so the parser can still reach the end of the body
    stream.resume();
    throw e;
  }
}
