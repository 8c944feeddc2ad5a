import assert from "node:assert/strict";
import Database from "libsql";
import { openDatabase } from "../../db/client.ts";
import { createWorkspace } from "../../chat/accounts.ts";

/** Whether the database file alone (without its WAL) holds the workspace yet. */
async function fileHolds(dir: string, slug: string, encryptionKey?: string): Promise<boolean> {
  await Deno.copyFile(`${dir}/parley.db`, `${dir}/copy.db`);
  const options: Database.Options & { encryptionKey?: string } = { encryptionKey };
  const copy = new Database(`${dir}/copy.db`, options);
  const count = (sql: string, ...args: string[]) => (copy.prepare(sql).get(...args) as { n: number }).n;
  const holds = count("SELECT count(*) AS n FROM sqlite_master WHERE name = 'tenants'") === 1 &&
    count("SELECT count(*) AS n FROM tenants WHERE slug = ?", slug) === 1;
  copy.close();
  await Deno.remove(`${dir}/copy.db`);
  return holds;
}

async function commitAndLook(backgroundCheckpoint: boolean, encryptionKey?: string) {
  const dir = await Deno.makeTempDir();
  const database = await openDatabase(`file:${dir}/parley.db`, { backgroundCheckpoint, encryptionKey });
  await createWorkspace(database.db, {
    name: "Acme",
    slug: "acme",
    admin: { name: "Alice", email: "alice@acme.test", password: null },
  });
  // the checkpointer runs every 200 ms; a loaded machine may start its thread late
  let inFile = false;
  for (let waited = 0; waited < (backgroundCheckpoint ? 5_000 : 700) && !inFile; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    inFile = await fileHolds(dir, "acme", encryptionKey);
  }
  await database.close();
  await Deno.remove(dir, { recursive: true });
  return inFile;
}

Deno.test("a server's commits reach the database file from the background checkpointer, not inside commits", async () => {
  // without it a small commit stays in the WAL until SQLite's own threshold (1,000 pages)
  assert.equal(await commitAndLook(false), false);
  assert.equal(await commitAndLook(true), true);
});

Deno.test("an encrypted database is checkpointed in the background too, with its key", async () => {
  const key = "a-test-key-of-32-characters-long";
  assert.equal(await commitAndLook(false, key), false);
  assert.equal(await commitAndLook(true, key), true);
  // the file really is encrypted: without the key it cannot be read
  const dir = await Deno.makeTempDir();
  const database = await openDatabase(`file:${dir}/parley.db`, { encryptionKey: key });
  await database.close();
  const keyless = new Database(`${dir}/parley.db`);
  assert.throws(() => keyless.prepare("SELECT count(*) FROM tenants").get());
  keyless.close();
  await Deno.remove(dir, { recursive: true });
});
