import assert from "node:assert/strict";
import { openDatabase } from "../../db/client.ts";

Deno.test("a single write statement waits its turn behind an open transaction instead of failing busy", async () => {
  const dir = await Deno.makeTempDir();
  const database = await openDatabase(`file:${dir}/parley.db`);
  const client = database.client;
  await client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  const tx = await client.transaction("write");
  await tx.execute("INSERT INTO notes (body) VALUES ('inside')");
  // on another connection, SQLite's busy handler would sleep on this thread until its
  // timeout, while the transaction that holds the lock cannot go on: the write fails busy
  const outside = client.execute("INSERT INTO notes (body) VALUES ('outside')");
  // the thread is free meanwhile: the transaction goes on and commits
  await tx.execute("INSERT INTO notes (body) VALUES ('inside, later')");
  await tx.commit();
  await outside;
  const rows = await client.execute("SELECT body FROM notes ORDER BY id");
  await database.close();
  await Deno.remove(dir, { recursive: true });
  assert.deepEqual(rows.rows.map((r) => r.body), ["inside", "inside, later", "outside"]);
});
