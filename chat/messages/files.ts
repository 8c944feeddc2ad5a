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

/** Bytes kept from the start of a file for its magic numbers and the ODF `mimetype` entry. */
const HEAD_BYTES = 4096;
/** Enough bytes for every magic number we check. */
const MAGIC_BYTES = 16;
const OOXML_FOLDERS: [string, string][] = [["docx", "word/"], ["xlsx", "xl/"], ["pptx", "ppt/"]];
const OOXML_MARKER = "[Content_Types].xml";
const ODF_TYPES = ["odt", "ods", "odp"];
const TEXT_EXTENSIONS = ["txt", "csv", "md", "log"];
const OLE_EXTENSIONS = ["doc", "xls", "ppt"];

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

type Kind = "image" | "pdf" | "ole" | "zip" | "text";

function kindOf(head: Uint8Array): { kind: Kind; ext?: string } {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: "image", ext: "jpg" };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: "image", ext: "png" };
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return { kind: "image", ext: "gif" };
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return { kind: "image", ext: "webp" };
  if (startsWith(head, ascii("%PDF-"))) return { kind: "pdf", ext: "pdf" };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: "ole" };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { kind: "zip" };
  return { kind: "text" };
}

/** The type a file's bytes prove, and the extension that type is saved under. */
export interface SniffedType {
  contentType: string;
  extension: string;
}

/**
 * Learns a file's type from its bytes as they arrive, so an upload never has to be held
 * whole. The magic numbers sit in the first bytes; text must be valid UTF-8 without
 * control characters all the way through; an Office Open XML package is recognized by
 * the part names stored uncompressed in its zip headers, wherever they occur.
 */
export class FileSniffer {
  #head = new Uint8Array(HEAD_BYTES);
  #headLength = 0;
  #kind: { kind: Kind; ext?: string } | null | undefined;
  #size = 0;
  #text = new TextDecoder("utf-8", { fatal: true });
  #isText = true;
  #zipTail = "";
  #zipSeen = new Set<string>();

  /**
   * Feeds the next bytes; false once the bytes can no longer be an allowed file (the
   * upload can stop right there).
   */
  push(chunk: Uint8Array): boolean {
    if (this.#kind === null) return false;
    this.#size += chunk.byteLength;
    const take = Math.min(chunk.byteLength, HEAD_BYTES - this.#headLength);
    this.#head.set(chunk.subarray(0, take), this.#headLength);
    this.#headLength += take;
    if (this.#kind === undefined) {
      if (this.#headLength < MAGIC_BYTES) return true;
      this.#kind = kindOf(this.#head.subarray(0, this.#headLength));
      // every byte before this chunk is still in the head
      this.#scan(this.#head.subarray(0, this.#headLength - take));
    }
    this.#scan(chunk);
    return this.#kind !== null;
  }

  /**
   * The verdict once every byte was pushed: the allowed type and its canonical
   * extension, or null when the file is not on the allow-list.
   * @param filename the sanitized name, which alone tells a legacy .doc from a .xls
   */
  finish(filename: string): SniffedType | null {
    if (this.#kind === undefined && this.#size > 0) {
      this.#kind = kindOf(this.#head.subarray(0, this.#headLength));
      this.#scan(this.#head.subarray(0, this.#headLength));
    }
    const kind = this.#kind;
    if (!kind) return null;
    const ext = extensionOf(filename);
    switch (kind.kind) {
      case "image":
      case "pdf": {
        const same = EXTENSIONS[ext]?.type === EXTENSIONS[kind.ext!].type;
        return { contentType: EXTENSIONS[kind.ext!].type, extension: same ? ext : kind.ext! };
      }
      case "ole":
        // the compound file format holds Word, Excel and PowerPoint alike
        return OLE_EXTENSIONS.includes(ext) ? { contentType: EXTENSIONS[ext].type, extension: ext } : null;
      case "zip": {
        const found = this.#zipType();
        return found ? { contentType: EXTENSIONS[found].type, extension: found } : null;
      }
      case "text":
        this.#scanText(new Uint8Array(0), true);
        if (!this.#isText) return null;
        return TEXT_EXTENSIONS.includes(ext)
          ? { contentType: EXTENSIONS[ext].type, extension: ext }
          : { contentType: EXTENSIONS.txt.type, extension: "txt" };
    }
  }

  #scan(bytes: Uint8Array) {
    if (this.#kind?.kind === "zip") this.#scanZip(bytes);
    if (this.#kind?.kind !== "text") return;
    this.#scanText(bytes);
    if (!this.#isText) this.#kind = null;
  }

  #scanText(chunk: Uint8Array, end = false) {
    if (!this.#isText) return;
    try {
      const text = this.#text.decode(chunk, { stream: !end });
      // control characters other than tab, newline, form feed and carriage return mark a binary file
      // deno-lint-ignore no-control-regex
      if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) this.#isText = false;
    } catch {
      this.#isText = false;
    }
  }

  #scanZip(chunk: Uint8Array) {
    const text = this.#zipTail + new TextDecoder("latin1").decode(chunk);
    for (const marker of [OOXML_MARKER, ...OOXML_FOLDERS.map(([, folder]) => folder)]) {
      if (text.includes(marker)) this.#zipSeen.add(marker);
    }
    // a marker may straddle two chunks
    this.#zipTail = text.slice(-OOXML_MARKER.length);
  }

  #zipType(): string | null {
    const head = new TextDecoder("latin1").decode(this.#head.subarray(0, Math.min(this.#headLength, 100)));
    if (head.startsWith("mimetype", 30)) {
      return ODF_TYPES.find((ext) => head.includes(EXTENSIONS[ext].type)) ?? null;
    }
    if (!this.#zipSeen.has(OOXML_MARKER)) return null;
    return OOXML_FOLDERS.find(([, folder]) => this.#zipSeen.has(folder))?.[0] ?? null;
  }
}

/**
 * The type of a whole file in memory and the name it is kept under (see `FileSniffer`
 * and `nameForType`); null when the file is not allowed.
 * @param bytes the whole file
 * @param filename the sanitized original name
 */
export function sniffFile(bytes: Uint8Array, filename: string): { contentType: string; filename: string } | null {
  const sniffer = new FileSniffer();
  sniffer.push(bytes);
  const sniffed = sniffer.finish(filename);
  return sniffed && { contentType: sniffed.contentType, filename: nameForType(filename, sniffed.extension) };
}

/**
 * The name a file is kept under: its own when the extension belongs to the allow-list and
 * to the type its bytes prove, otherwise the same name with the canonical extension
 * (`page.html` holding text becomes `page.txt`, `logo.svg` holding a PDF `logo.pdf`), so
 * the name never promises a type the bytes are not.
 * @param filename the sanitized original name
 * @param extension the canonical extension of the sniffed type
 */
export function nameForType(filename: string, extension: string): string {
  const ext = extensionOf(filename);
  if (ext === extension) return filename;
  // what follows the last dot is replaced only when it looks like an extension ("v1.2 notes" keeps its text)
  const stem = ext && /^[a-z0-9]{1,10}$/.test(ext) ? filename.slice(0, -ext.length - 1) : filename;
  return `${stem}.${extension}`;
}

/** True for content types a browser may show inline (images only; everything else downloads). */
export function isInlineType(contentType: string): boolean {
  return /^image\/(jpeg|png|gif|webp)$/.test(contentType);
}

/**
 * A safe display name: no directories, no control or reserved characters, no leading dots,
 * at most 200 characters with the extension kept. Unicode format characters (bidi
 * overrides, zero-width marks) are removed too: `invoice\u202Efdp.js` would otherwise
 * show as "invoicesj.pdf" while being saved as a `.js` file.
 */
export function sanitizeFilename(name: string): string {
  const base = name.normalize("NFC").split(/[\\/]/).pop() ?? "";
  let clean = base.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}<>:"|?*]/gu, "").replace(/\s+/g, " ").trim()
    .replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  if (clean.length > 200) {
    const ext = extensionOf(clean);
    const keep = ext && ext.length <= 10 ? `.${ext}` : "";
    clean = clean.slice(0, 200 - keep.length) + keep;
  }
  return clean || "file";
}
