import assert from "node:assert/strict";
import { EncryptedStorage, FsStorage, newStorageKey } from "../../chat/messages/storage.ts";
import type { TenantId, TenantOnlyScope } from "../../chat/tenancy.ts";
import { seedTenant, testDeps } from "../helpers.ts";

const SECRET = "a-very-secret-key-for-tests";

async function world() {
  const deps = await testDeps();
  const acme = await seedTenant(deps, "acme");
  const other = await seedTenant(deps, "other");
  const dir = await Deno.makeTempDir();
  const scopeOf = (id: string): TenantOnlyScope => ({ tenantId: id as TenantId, db: deps.database.db });
  return {
    dir,
    plain: new FsStorage(dir),
    sealed: new EncryptedStorage(new FsStorage(dir), SECRET),
    acme: scopeOf(acme.tenant.id),
    other: scopeOf(other.tenant.id),
    pathOf: (scope: TenantOnlyScope, key: string) => `${dir}/${scope.tenantId}/${key.slice(0, 2)}/${key}`,
    async close() {
      await deps.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function bytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

async function write(storage: EncryptedStorage | FsStorage, scope: TenantOnlyScope, data: Uint8Array, pieces = 3) {
  const key = newStorageKey();
  const writer = await storage.create(scope, key);
  const step = Math.ceil(data.length / pieces) || 1;
  for (let at = 0; at < data.length; at += step) await writer.write(data.subarray(at, at + step));
  await writer.close();
  return key;
}

Deno.test("encrypted files written in pieces read back whole, at and around the record size", async () => {
  const w = await world();

  for (const size of [0, 1, 65_535, 65_536, 65_537, 200_000, 3 * 65_536]) {
    const data = bytes(size);
    const key = await write(w.sealed, w.acme, data, 7);
    const stored = await Deno.readFile(w.pathOf(w.acme, key));

    assert.deepEqual(await w.sealed.get(w.acme, key), data, `size ${size}`);
    // marker and salt, then one 16-byte tag per record of up to 64 KiB (at least one record)
    assert.equal(stored.length, 24 + size + 16 * Math.max(1, Math.ceil(size / 65_536)), `size ${size}`);
    assert.equal(new TextDecoder().decode(stored.subarray(0, 8)), "PRLYAEG1");
  }
  await w.close();
});

Deno.test("an encrypted file cut short, with records swapped, or moved to another tenant does not decrypt", async () => {
  const w = await world();
  const data = bytes(200_000);
  const key = await write(w.sealed, w.acme, data);
  const path = w.pathOf(w.acme, key);
  const stored = await Deno.readFile(path);
  const record = 65_536 + 16;

  // cut at a record boundary: what is left is whole records, none marked last
  await Deno.writeFile(path, stored.subarray(0, 24 + 2 * record));
  await assert.rejects(() => w.sealed.get(w.acme, key));
  const swapped = new Uint8Array(stored);
  swapped.set(stored.subarray(24 + record, 24 + 2 * record), 24);
  swapped.set(stored.subarray(24, 24 + record), 24 + record);
  await Deno.writeFile(path, swapped);
  await assert.rejects(() => w.sealed.get(w.acme, key));
  await Deno.writeFile(path, stored);
  await Deno.mkdir(`${w.dir}/${w.other.tenantId}/${key.slice(0, 2)}`, { recursive: true });
  await Deno.copyFile(path, w.pathOf(w.other, key));
  await assert.rejects(() => w.sealed.get(w.other, key));
  assert.deepEqual(await w.sealed.get(w.acme, key), data);
  await w.close();
});

Deno.test("files encrypted in the earlier one-piece format still read", async () => {
  const w = await world();
  const data = bytes(100_000);
  // the earlier format: SHA-256("parley-attachments:" + secret) as the key, a 12-byte IV,
  // then one AES-GCM ciphertext with the tenant id as additional data
  const raw = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`parley-attachments:${SECRET}`));
  const legacyKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const additionalData = new TextEncoder().encode(w.acme.tenantId);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, legacyKey, data);
  const key = newStorageKey();
  const writer = await w.plain.create(w.acme, key);
  await writer.write(iv);
  await writer.write(new Uint8Array(sealed));
  await writer.close();

  assert.deepEqual(await w.sealed.get(w.acme, key), data);
  await w.close();
});

Deno.test("an aborted write leaves nothing on disk and nothing under its key", async () => {
  const w = await world();
  const key = newStorageKey();
  const writer = await w.sealed.create(w.acme, key);
  await writer.write(bytes(150_000));

  await writer.abort();

  assert.equal(await w.sealed.get(w.acme, key), null);
  assert.deepEqual([...Deno.readDirSync(`${w.dir}/${w.acme.tenantId}/${key.slice(0, 2)}`)], []);
  await w.close();
});
