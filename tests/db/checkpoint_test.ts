import assert from "node:assert/strict";
import Database from "libsql";
import { openDatabase } from "../../db/client.ts";
import { createWorkspace } from "../../chat/accounts/accounts.ts";

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

/** How often the WAL was restarted: the checkpoint sequence number in its header (big-endian, byte 12). */
async function walRestarts(path: string): Promise<number> {
  const header = (await Deno.readFile(`${path}-wal`)).subarray(0, 32);
  return new DataView(header.buffer, header.byteOffset).getUint32(12, false);
}

Deno.test("steady writes seldom restart the WAL, whose new header the committing thread must fsync", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/parley.db`;
  const database = await openDatabase(`file:${path}`, { backgroundCheckpoint: true });
  await database.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  const before = await walRestarts(path);
  // a commit every 25 ms for 1.5 s: many checkpointer ticks, far fewer frames than a checkpoint waits for
  for (let i = 0; i < 60; i++) {
    await database.client.batch([{ sql: "INSERT INTO notes (body) VALUES (?)", args: [`note ${i}`] }], "write");
    await new Promise((r) => setTimeout(r, 25));
  }
  const during = (await walRestarts(path)) - before;
  // once writes pause, the WAL is copied back and the next commit restarts it
  let inFile = false;
  for (let waited = 0; waited < 5_000 && !inFile; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    await Deno.copyFile(path, `${dir}/copy.db`);
    const copy = new Database(`${dir}/copy.db`);
    const table = copy.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'notes'").get() as { n: number };
    inFile = table.n === 1 && (copy.prepare("SELECT count(*) AS n FROM notes").get() as { n: number }).n === 60;
    copy.close();
  }
  await database.client.batch([{ sql: "INSERT INTO notes (body) VALUES (?)", args: ["after the pause"] }], "write");
  const after = (await walRestarts(path)) - before;
  await database.close();
  await Deno.remove(dir, { recursive: true });
  assert.ok(during <= 1, `the WAL was restarted ${during} times during 1.5 s of steady writes`);
  assert.ok(inFile, "the paused writes reached the database file");
  assert.ok(after > during, "the commit after the pause restarted the WAL");
});

Deno.test("under writes that never pause, the background checkpointer still gets the WAL restarted", async () => {
  // a passive checkpoint never catches up with writes that keep coming, so the WAL would grow
  // until the server's own backstop checkpoint ran on its thread, fsyncs and all
  const dir = await Deno.makeTempDir();
  const path = `${dir}/parley.db`;
  const database = await openDatabase(`file:${path}`, { backgroundCheckpoint: true, checkpointFrames: 100 });
  await database.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  await database.client.execute("CREATE INDEX notes_body ON notes (body)");
  const before = await walRestarts(path);
  const body = "n".repeat(1_000);
  let written = 0;
  const until = performance.now() + 2_500;
  while (performance.now() < until) {
    // a commit about every millisecond: never five idle ticks in a row
    await database.client.batch(
      [{ sql: "INSERT INTO notes (body) VALUES (?)", args: [`${written} ${body}`] }],
      "write",
    );
    written++;
    await new Promise((r) => setTimeout(r, 1));
  }
  const restarts = (await walRestarts(path)) - before;
  const count = await database.client.execute("SELECT count(*) AS n FROM notes");
  await database.close();
  await Deno.remove(dir, { recursive: true });
  assert.equal(Number(count.rows[0].n), written, "every commit held while the checkpoint finished was kept");
  assert.ok(restarts >= 1, `the WAL was not restarted during ${written} steady commits`);
});

Deno.test("a WAL copied back completely is restarted by the checkpointer, not by the server's next commit, and only once", async () => {
  // the first write to a WAL copied back completely fsyncs its new header: on the checkpointer's thread, not the server's
  const dir = await Deno.makeTempDir();
  const path = `${dir}/parley.db`;
  const database = await openDatabase(`file:${path}`, { backgroundCheckpoint: true });
  await database.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  await database.client.batch([{ sql: "INSERT INTO notes (body) VALUES (?)", args: ["first"] }], "write");
  const restarts = () => walRestarts(path);
  async function restartedAfter(count: number) {
    for (let waited = 0; waited < 5_000; waited += 50) {
      if (await restarts() > count) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }
  const before = await restarts();
  // writes pause: the checkpointer copies the WAL back and restarts it, with no commit of the server's
  const restartedIdle = await restartedAfter(before);
  const afterIdle = await restarts();
  await database.client.batch([{ sql: "INSERT INTO notes (body) VALUES (?)", args: ["second"] }], "write");
  const afterCommit = await restarts();
  const restartedAgain = await restartedAfter(afterCommit);
  const settled = await restarts();
  // ten more ticks without writes: a WAL holding only the checkpointer's own write is left alone
  await new Promise((r) => setTimeout(r, 2_000));
  const later = await restarts();
  const notes = await database.client.execute("SELECT body FROM notes ORDER BY id");
  const version = await database.client.execute("PRAGMA user_version");
  await database.close();
  await Deno.remove(dir, { recursive: true });
  assert.ok(restartedIdle, "the checkpointer restarted the WAL once writes paused");
  assert.equal(afterCommit, afterIdle, "the server's next commit found the WAL restarted already");
  assert.ok(restartedAgain, "and after that commit the WAL was restarted again by the checkpointer");
  assert.equal(later, settled, "an idle WAL is not restarted over and over");
  assert.deepEqual(notes.rows.map((r) => r.body), ["first", "second"]);
  assert.equal(Number(version.rows[0].user_version), 0, "the restart's write changes nothing");
});
