import assert from "node:assert/strict";
import { openDatabase } from "../../db/client.ts";
import { createWorkspace } from "../../chat/accounts/accounts.ts";
import { findTenantBySlug } from "../../db/tenants.ts";

const MIGRATIONS = new URL("../../db/migrations/meta/_journal.json", import.meta.url);

Deno.test("migrations build a new file database and leave an existing one intact when reopened", async () => {
  const dir = await Deno.makeTempDir();
  const url = `file:${dir}/nested/parley.db`;
  const journal = JSON.parse(await Deno.readTextFile(MIGRATIONS));

  const first = await openDatabase(url);
  await createWorkspace(first.db, {
    name: "Acme",
    slug: "acme",
    admin: { name: "Alice", email: "alice@acme.test", password: null },
  });
  await first.close();
  const second = await openDatabase(url);
  const applied = await second.client.execute("SELECT count(*) AS n FROM __drizzle_migrations");
  const tenant = await findTenantBySlug(second.db, "acme");
  const tables = await second.client.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  const mode = await second.client.execute("PRAGMA journal_mode");
  await second.close();
  const third = await openDatabase(url);
  const reapplied = await third.client.execute("SELECT count(*) AS n FROM __drizzle_migrations");
  await third.close();

  assert.equal(Number(applied.rows[0].n), journal.entries.length);
  assert.equal(Number(reapplied.rows[0].n), journal.entries.length);
  assert.equal(tenant?.name, "Acme");
  const names = tables.rows.map((r) => String(r.name));
  for (const table of ["tenants", "users", "sessions", "conversations", "messages", "events", "audit_log"]) {
    assert.ok(names.includes(table), `table ${table}`);
  }
  assert.equal(String(mode.rows[0].journal_mode).toLowerCase(), "wal");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every owned table has a tenant_id column and the listing indexes exist", async () => {
  const database = await openDatabase(":memory:");

  const tables = await database.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
  );
  const indexes = await database.client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'");

  // process-wide state that holds no workspace's data
  const system = ["webhook_dispatch"];
  const owned = tables.rows.map((r) => String(r.name)).filter((n) =>
    n !== "tenants" && !n.includes("fts") && !system.includes(n)
  );
  for (const table of owned) {
    const columns = await database.client.execute(`PRAGMA table_info(${table})`);
    assert.ok(columns.rows.some((c) => c.name === "tenant_id"), `${table} has tenant_id`);
  }
  const sql = indexes.rows.map((r) => String(r.sql)).join("\n");
  assert.match(sql, /ON `conversations` \(`tenant_id`,`last_message_at`/);
  assert.match(sql, /UNIQUE INDEX `users_tenant_email_uq` ON `users` \(`tenant_id`,`email`\)/);
  assert.match(sql, /ON `messages` \(`conversation_id`,`id`\)/);
  await database.close();
});
