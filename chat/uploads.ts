import { AppError } from "./errors.ts";

type Category = "image" | "pdf" | "office" | "text";

/** Content types we accept, by the category a file's bytes prove. */
const EXTENSIONS: Record<string, { type: string; category: Category }> = {
  jpg: { type: "image/jpeg", category: "image" },
  jpeg: { type: "image/jpeg", category: "image" },
  png: { type: "image/png", category: "image" },
  gif: { type: "image/gif", category: "image" },
  webp: { type: "image/webp", category: "image" },
  pdf: { type: "application/pdf", category: "pdf" },
  doc: { type: "application/msword", category: "office" },
  xls: { type: "application/vnd.ms-excel", category: "office" },
  ppt: { type: "application/vnd.ms-powerpoint", category: "office" },
  docx: { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", category: "office" },
  xlsx: { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", category: "office" },
  pptx: { type: "application/vnd.openxmlformats-officedocument.presentationml.presentation", category: "office" },
  odt: { type: "application/vnd.oasis.opendocument.text", category: "office" },
  ods: { type: "application/vnd.oasis.opendocument.spreadsheet", category: "office" },
  odp: { type: "application/vnd.oasis.opendocument.presentation", category: "office" },
  txt: { type: "text/plain; charset=utf-8", category: "text" },
  csv: { type: "text/csv; charset=utf-8", category: "text" },
  md: { type: "text/plain; charset=utf-8", category: "text" },
  log: { type: "text/plain; charset=utf-8", category: "text" },
};

const OOXML_FOLDERS: Record<string, string> = { docx: "word/", xlsx: "xl/", pptx: "ppt/" };

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : "";
}

function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // control characters other than tab, newline, form feed and carriage return mark a binary file
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

function sniffZip(bytes: Uint8Array, ext: string): string | null {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 100));
  if (head.startsWith("mimetype", 30) && head.includes("application/vnd.oasis.opendocument.")) {
    const odf = EXTENSIONS[ext];
    return odf && ext.startsWith("od") ? odf.type : null;
  }
  const folder = OOXML_FOLDERS[ext];
  if (!folder) return null;
  const all = new TextDecoder("latin1").decode(bytes);
  return all.includes("[Content_Types].xml") && all.includes(folder) ? EXTENSIONS[ext].type : null;
}

/**
 * The content type a file's bytes prove, checked against its name: the magic bytes must
 * belong to the allow-list and to the same family as the extension (a `.png` holding a
 * program is refused). Returns null when the file is not allowed.
 * @param bytes the whole file
 * @param filename the sanitized original name
 */
export function sniffContentType(bytes: Uint8Array, filename: string): string | null {
  const ext = extensionOf(filename);
  const declared = EXTENSIONS[ext];
  let sniffed: { type: string; category: Category } | null = null;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) sniffed = EXTENSIONS.jpg;
  else if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) sniffed = EXTENSIONS.png;
  else if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) sniffed = EXTENSIONS.gif;
  else if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) sniffed = EXTENSIONS.webp;
  else if (startsWith(bytes, ascii("%PDF-"))) sniffed = EXTENSIONS.pdf;
  else if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    sniffed = ["doc", "xls", "ppt"].includes(ext) ? declared : null;
  } else if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const type = sniffZip(bytes, ext);
    sniffed = type ? declared : null;
  } else if (bytes.length > 0 && isPlainText(bytes)) {
    sniffed = declared?.category === "text" ? declared : EXTENSIONS.txt;
  }
  if (!sniffed) return null;
  if (declared && declared.category !== sniffed.category) return null;
  return sniffed.type;
}

/** True for content types a browser may show inline (images only; everything else downloads). */
export function isInlineType(contentType: string): boolean {
  return /^image\/(jpeg|png|gif|webp)$/.test(contentType);
}

/**
 * A safe display name: no directories, no control or reserved characters, no leading dots,
 * at most 200 characters with the extension kept.
 */
export function sanitizeFilename(name: string): string {
  const base = name.normalize("NFC").split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "").replace(/\s+/g, " ").trim()
    .replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  if (clean.length > 200) {
    const ext = extensionOf(clean);
    const keep = ext && ext.length <= 10 ? `.${ext}` : "";
    clean = clean.slice(0, 200 - keep.length) + keep;
  }
  return clean || "file";
}

/** A file checked and ready to store. */
export interface PreparedFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  bytes: Uint8Array;
}

/**
 * Checks one uploaded file: size (413) first, without reading it, then its type by magic bytes (415).
 * @param file the uploaded file
 * @param maxBytes the per-file limit
 */
export async function prepareUpload(file: File, maxBytes: number): Promise<PreparedFile> {
  const filename = sanitizeFilename(file.name);
  if (file.size > maxBytes) {
    throw new AppError("payload_too_large", `Cannot upload "${filename}": larger than ${maxBytes} bytes`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > maxBytes) {
    throw new AppError("payload_too_large", `Cannot upload "${filename}": larger than ${maxBytes} bytes`);
  }
  const contentType = sniffContentType(bytes, filename);
  if (!contentType) {
    throw new AppError("unsupported_media_type", `Cannot upload "${filename}": file type not allowed`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return { filename, contentType, size: bytes.length, sha256, bytes };
}
