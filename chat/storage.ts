import type { TenantOnlyScope } from "./tenancy.ts";
import { deleteBlob, getBlob, putBlob } from "../db/attachments.ts";

/**
 * Where attachment bytes live. Keys are random and never derived from user input, so a
 * stored name cannot climb out of the storage root or collide with another tenant's file.
 */
export interface AttachmentStorage {
  put(scope: TenantOnlyScope, key: string, data: Uint8Array): Promise<void>;
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

  async put(scope: TenantOnlyScope, key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(scope, key);
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    // write then rename, so a crash mid-write never leaves a truncated file under the real key
    const tmp = `${path}.${newStorageKey()}.tmp`;
    await Deno.writeFile(tmp, data, { mode: 0o600 });
    await Deno.rename(tmp, path);
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
  async put(scope: TenantOnlyScope, key: string, data: Uint8Array): Promise<void> {
    // a transaction, so the write queues behind other writers instead of meeting SQLITE_BUSY
    await scope.db.transaction((tx) => putBlob(scope, checkedKey(key), data, tx));
  }

  get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null> {
    return getBlob(scope, checkedKey(key));
  }

  async delete(scope: TenantOnlyScope, key: string): Promise<void> {
    await scope.db.transaction((tx) => deleteBlob(scope, checkedKey(key), tx));
  }
}

/**
 * Encrypts every file with AES-256-GCM before it reaches the inner storage. The stored
 * form is a 12-byte random IV followed by the ciphertext; the tenant id is bound in as
 * additional data, so a blob copied into another tenant's storage does not decrypt.
 */
export class EncryptedStorage implements AttachmentStorage {
  #key: Promise<CryptoKey>;

  constructor(readonly inner: AttachmentStorage, secret: string) {
    this.#key = crypto.subtle.digest("SHA-256", new TextEncoder().encode(`parley-attachments:${secret}`))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }

  async put(scope: TenantOnlyScope, key: string, data: Uint8Array): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(scope.tenantId) },
      await this.#key,
      data as Uint8Array<ArrayBuffer>,
    );
    const out = new Uint8Array(12 + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), 12);
    await this.inner.put(scope, key, out);
  }

  async get(scope: TenantOnlyScope, key: string): Promise<Uint8Array | null> {
    const stored = await this.inner.get(scope, key);
    if (!stored) return null;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.slice(0, 12), additionalData: new TextEncoder().encode(scope.tenantId) },
      await this.#key,
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
