import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "../../db/schema/mod.ts";
import { openSession } from "../../chat/accounts/accounts.ts";
import { findUser } from "../../db/users.ts";
import type { TenantId } from "../../chat/tenancy.ts";
import { startServer } from "../realtime/server.ts";

const MIGRATIONS = new URL("../../db/migrations/", import.meta.url).pathname;

/** A copy of the migrations folder holding only the first `count` migrations. */
async function earlierMigrations(count: number): Promise<string> {
  const dir = await Deno.makeTempDir();
  const journal = JSON.parse(await Deno.readTextFile(`${MIGRATIONS}meta/_journal.json`));
  journal.entries = journal.entries.slice(0, count);
  await Deno.mkdir(`${dir}/meta`);
  await Deno.writeTextFile(`${dir}/meta/_journal.json`, JSON.stringify(journal));
  for (const entry of journal.entries) await Deno.copyFile(`${MIGRATIONS}${entry.tag}.sql`, `${dir}/${entry.tag}.sql`);
  return dir;
}

Deno.test("messages written before the search migration are found over HTTP once the server has migrated", async () => {
  const dir = await Deno.makeTempDir();
  const url = `file:${dir}/parley.db`;
  const client = createClient({ url });
  const db = drizzle(client, { schema });
  const journal = JSON.parse(await Deno.readTextFile(`${MIGRATIONS}meta/_journal.json`));
  const searchIndex = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_message_search"));
  await migrate(db, { migrationsFolder: await earlierMigrations(searchIndex) });
  // written as SQL of that time: the current schema may have columns the old tables lack
  const tenant = { id: "t0000000-0000-7000-8000-000000000001" };
  const user = { id: "u0000000-0000-7000-8000-000000000001" };
  const bob = { id: "u0000000-0000-7000-8000-000000000002" };
  const now = Date.now();
  await client.executeMultiple(`
    INSERT INTO tenants (id, slug, name, created_at) VALUES ('${tenant.id}', 'acme', 'Acme', ${now});
    INSERT INTO users (id, tenant_id, email, username, name, role, created_at, updated_at) VALUES
      ('${user.id}', '${tenant.id}', 'ana@acme.test', 'ana', 'Ana', 'admin', ${now}, ${now}),
      ('${bob.id}', '${tenant.id}', 'bob@acme.test', 'bob', 'Bob', 'member', ${now}, ${now});
    INSERT INTO conversations (id, tenant_id, kind, title, created_at, updated_at)
      VALUES ('c0000000-0000-7000-8000-000000000001', '${tenant.id}', 'group', 'Old', ${now}, ${now});
    INSERT INTO participants (id, tenant_id, conversation_id, user_id, role, joined_at) VALUES
      ('p0000000-0000-7000-8000-000000000001', '${tenant.id}', 'c0000000-0000-7000-8000-000000000001', '${user.id}', 'owner', ${now}),
      ('p0000000-0000-7000-8000-000000000002', '${tenant.id}', 'c0000000-0000-7000-8000-000000000001', '${bob.id}', 'member', ${now});
    INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, created_at, updated_at, deleted_at) VALUES
      ('00000000-0000-7000-8000-000000000001', '${tenant.id}', 'c0000000-0000-7000-8000-000000000001', '${bob.id}', 'text', 'legacy orçamento note', ${now}, ${now}, NULL),
      ('00000000-0000-7000-8000-000000000002', '${tenant.id}', 'c0000000-0000-7000-8000-000000000001', '${bob.id}', 'text', '旧的项目预算', ${now}, ${now}, NULL),
      ('00000000-0000-7000-8000-000000000003', '${tenant.id}', 'c0000000-0000-7000-8000-000000000001', '${bob.id}', 'text', '', ${now}, ${now}, ${now});
  `);
  client.close();

  const server = await startServer({}, { DATABASE_URL: url });
  const scope = { tenantId: tenant.id as TenantId, db: server.deps.database.db };
  const token = await openSession(server.deps.database.db, server.deps.keys, (await findUser(scope, user.id))!);
  const search = async (q: string) => {
    const res = await fetch(`${server.url}/api/chat/search/?q=${encodeURIComponent(q)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await res.json()).map((m: { id: string }) => m.id);
  };

  assert.deepEqual(await search("orcamento"), ["00000000-0000-7000-8000-000000000001"]);
  assert.deepEqual(await search("项目预算"), ["00000000-0000-7000-8000-000000000002"]);
  // each index agrees with the rows it was built from (SQLITE_CORRUPT otherwise)
  await server.deps.database.client.execute(
    "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
  );
  await server.deps.database.client.execute(
    "INSERT INTO messages_fts_cjk (messages_fts_cjk, rank) VALUES ('integrity-check', 1)",
  );
  await server.close();
  await Deno.remove(dir, { recursive: true });
});
