import type { TenantOnlyScope } from "../tenancy.ts";
import { deleteBlob, getBlob, putBlob } from "../../db/attachments.ts";

/** A file being written to storage as it arrives; nothing is visible under its key before `close`. */
export interface BlobWriter {
  /** Appends bytes; resolves once they were taken, so a fast sender waits for the disk. */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the file visible under its key. */
  close(): Promise<void>;
  /** Drops everything written so far. */
  abort(): Promise<void>;
}

/**
 * Where attachment bytes live. Keys are random and never derived from user input, so a
 * stored name cannot climb out of the storage root or collide with another tenant's file.
 */
export interface AttachmentStorage {
  /** Starts writing a new file under `key`. */
  create(scope: TenantOnlyScope, key: string): Promise<BlobWriter>;
  get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null>;
  delete(scope: TenantOnlyScope, key: string): Promise<void>;
}

/** A fresh random storage key (128 bits, hex). */
export function newStorageKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const KEY = /^[0-9a-f]{32}$/;

function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Invalid storage key "${key}"`);
  return key;
}

/** Files on local disk under `dir/<tenant>/<ab>/<key>`, outside the static root. */
export class FsStorage implements AttachmentStorage {
  constructor(readonly dir: string) {}

  #path(scope: TenantOnlyScope, key: string) {
    const k = checkedKey(key);
    return `${this.dir}/${scope.tenantId}/${k.slice(0, 2)}/${k}`;
  }

  async create(scope: TenantOnlyScope, key: string): Promise<BlobWriter> {
    const path = this.#path(scope, key);
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    // written under a temporary name then renamed, so a crash or an abort mid-upload never
    // leaves a truncated file under the real key
    const tmp = `${path}.${newStorageKey()}.tmp`;
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    let open = true;
    const closeFile = () => {
      if (open) file.close();
      open = false;
    };
    return {
      async write(chunk) {
        for (let at = 0; at < chunk.byteLength;) at += await file.write(chunk.subarray(at));
      },
      async close() {
        closeFile();
        await Deno.rename(tmp, path);
      },
      async abort() {
        closeFile();
        await Deno.remove(tmp).catch(() => {});
      },
    };
  }

  async get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null> {
    try {
      return await Deno.readFile(this.#path(scope, key));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  async delete(scope: TenantOnlyScope, key: string): Promise<void> {
    try {
      await Deno.remove(this.#path(scope, key));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/** Files as BLOBs in libSQL, for runtimes without a disk. */
export class DbStorage implements AttachmentStorage {
  /**
   * Collects the file in memory and stores it as one row at `close`: a BLOB cannot be
   * appended to. The uploader cuts a file off at MAX_UPLOAD_MB, which bounds the buffer.
   * Bytes are copied into one buffer that doubles as needed, so the socket's read buffers
   * are let go at once and nothing needs joining at the end.
   */
  create(scope: TenantOnlyScope, key: string): Promise<BlobWriter> {
    const checked = checkedKey(key);
    let buffer = new Uint8Array(0);
    let size = 0;
    return Promise.resolve({
      write(chunk) {
        if (size + chunk.byteLength > buffer.byteLength) {
          const grown = new Uint8Array(Math.max(size + chunk.byteLength, buffer.byteLength * 2, 256 * 1024));
          grown.set(buffer.subarray(0, size));
          buffer = grown;
        }
        buffer.set(chunk, size);
        size += chunk.byteLength;
        return Promise.resolve();
      },
      async close() {
        const data = buffer.subarray(0, size);
        buffer = new Uint8Array(0);
        // a transaction, so the write queues behind other writers instead of meeting SQLITE_BUSY
        await scope.db.transaction((tx) => putBlob(scope, checked, data, tx));
      },
      abort() {
        buffer = new Uint8Array(0);
        return Promise.resolve();
      },
    });
  }

  get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null> {
    return getBlob(scope, checkedKey(key));
  }

  async delete(scope: TenantOnlyScope, key: string): Promise<void> {
    await scope.db.transaction((tx) => deleteBlob(scope, checkedKey(key), tx));
  }
}

/** Marks the record format; files without it are in the older one-piece format. */
const SEALED_MAGIC = new TextEncoder().encode("PRLYAEG1");
const SALT_BYTES = 16;
const HEADER_BYTES = SEALED_MAGIC.length + SALT_BYTES;
/** Plaintext bytes per record: the most an upload holds in memory for encryption. */
const RECORD_BYTES = 64 * 1024;
const TAG_BYTES = 16;

/** The nonce of record `index`: a counter, and a flag on the last record so a cut-off file does not decrypt. */
function recordNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setUint32(7, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * Encrypts every file with AES-256-GCM before it reaches the inner storage, in records so
 * that a file is encrypted as it arrives. A file is `PRLYAEG1`, a 16-byte random salt, then
 * records of 64 KiB of plaintext, each sealed with its own tag. Each file gets its own key,
 * derived with HKDF from the secret, the salt and the tenant id, so the record counter can
 * serve as nonce, and a blob copied into another tenant's storage does not decrypt. The
 * nonce numbers the records and marks the last one, so records cannot be reordered,
 * dropped or cut off unnoticed. Files written before this format (a 12-byte IV and one
 * AES-GCM ciphertext with the tenant id as additional data) are still read.
 */
export class EncryptedStorage implements AttachmentStorage {
  #legacyKey: Promise<CryptoKey>;
  #baseKey: Promise<CryptoKey>;

  constructor(readonly inner: AttachmentStorage, secret: string) {
    const raw = crypto.subtle.digest("SHA-256", new TextEncoder().encode(`parley-attachments:${secret}`));
    this.#legacyKey = raw.then((r) => crypto.subtle.importKey("raw", r, "AES-GCM", false, ["decrypt"]));
    this.#baseKey = raw.then((r) => crypto.subtle.importKey("raw", r, "HKDF", false, ["deriveKey"]));
  }

  async #fileKey(scope: TenantOnlyScope, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
    return await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt, info: new TextEncoder().encode(`parley-attachment:${scope.tenantId}`) },
      await this.#baseKey,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  }

  async create(scope: TenantOnlyScope, key: string): Promise<BlobWriter> {
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const fileKey = await this.#fileKey(scope, salt);
    const inner = await this.inner.create(scope, key);
    const header = new Uint8Array(HEADER_BYTES);
    header.set(SEALED_MAGIC);
    header.set(salt, SEALED_MAGIC.length);
    await inner.write(header);
    const record = new Uint8Array(RECORD_BYTES);
    let filled = 0;
    let index = 0;
    const seal = async (last: boolean) => {
      const iv = recordNonce(index++, last);
      const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, fileKey, record.subarray(0, filled));
      filled = 0;
      await inner.write(new Uint8Array(sealed));
    };
    return {
      async write(chunk) {
        for (let at = 0; at < chunk.byteLength;) {
          // a full record is sealed only once more bytes come, so the last one is known as last
          if (filled === RECORD_BYTES) await seal(false);
          const take = Math.min(RECORD_BYTES - filled, chunk.byteLength - at);
          record.set(chunk.subarray(at, at + take), filled);
          filled += take;
          at += take;
        }
      },
      async close() {
        await seal(true);
        await inner.close();
      },
      abort: () => inner.abort(),
    };
  }

  async get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null> {
    const stored = await this.inner.get(scope, key);
    if (!stored) return null;
    const sealed = stored.length >= HEADER_BYTES + TAG_BYTES &&
      SEALED_MAGIC.every((b, i) => stored[i] === b);
    if (sealed) {
      try {
        return await this.#openRecords(scope, stored);
      } catch {
        // a file of the older format whose random IV happens to begin with the marker
      }
    }
    return await this.#openLegacy(scope, stored);
  }

  async #openRecords(scope: TenantOnlyScope, stored: Uint8Array): Promise<Uint8Array> {
    const fileKey = await this.#fileKey(scope, stored.slice(SEALED_MAGIC.length, HEADER_BYTES));
    const body = stored.length - HEADER_BYTES;
    const records = Math.ceil(body / (RECORD_BYTES + TAG_BYTES));
    const out = new Uint8Array(body - records * TAG_BYTES);
    for (let i = 0, at = HEADER_BYTES; i < records; i++, at += RECORD_BYTES + TAG_BYTES) {
      const end = Math.min(at + RECORD_BYTES + TAG_BYTES, stored.length);
      const iv = recordNonce(i, end === stored.length);
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv },
        fileKey,
        stored.subarray(at, end) as Uint8Array<ArrayBuffer>,
      );
      out.set(new Uint8Array(plain), i * RECORD_BYTES);
    }
    return out;
  }

  async #openLegacy(scope: TenantOnlyScope, stored: Uint8Array): Promise<Uint8Array> {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.slice(0, 12), additionalData: new TextEncoder().encode(scope.tenantId) },
      await this.#legacyKey,
      stored.slice(12),
    );
    return new Uint8Array(plain);
  }

  delete(scope: TenantOnlyScope, key: string): Promise<void> {
    return this.inner.delete(scope, key);
  }
}

/**
 * The storage the configuration names: `fs:DIR` or `db`, encrypted when an encryption key is set.
 * @param config ATTACHMENTS and DATABASE_ENCRYPTION_KEY
 */
export function createStorage(config: { attachments: string; encryptionKey?: string }): AttachmentStorage {
  const base = config.attachments === "db" ? new DbStorage() : new FsStorage(config.attachments.slice("fs:".length));
  return config.encryptionKey ? new EncryptedStorage(base, config.encryptionKey) : base;
}
