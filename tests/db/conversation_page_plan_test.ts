import assert from "node:assert/strict";
import type { InArgs } from "@libsql/client";
import { conversationPageQuery } from "../../db/conversations.ts";
import type { TenantId } from "../../chat/tenancy.ts";
import { seedTenant, testDeps } from "../helpers.ts";

Deno.test("a page of the conversation list reads the user's memberships by index and their conversations by key", async () => {
  const deps = await testDeps();
  const acme = await seedTenant(deps, "acme", { bob: "member" });
  const scope = { tenantId: acme.tenant.id as TenantId, db: deps.database.db };
  const userId = acme.users.bob.user.id;
  const cursors = [undefined, { updatedAt: new Date() }, { updatedAt: new Date(), id: crypto.randomUUID() }];

  const plans = await Promise.all(cursors.map(async (before) => {
    const query = conversationPageQuery(scope, userId, { archived: false, limit: 50, before }).toSQL();
    const plan = await deps.database.client.execute({
      sql: `EXPLAIN QUERY PLAN ${query.sql}`,
      args: query.params as InArgs,
    });
    return plan.rows.map((row) => String(row.detail));
  }));

  for (const steps of plans) {
    assert.match(
      steps[0],
      /^SEARCH participants USING INDEX participants_tenant_user_idx \(tenant_id=\? AND user_id=\?\)/,
    );
    assert.match(steps[1], /^SEARCH conversations USING INDEX sqlite_autoindex_conversations_1 \(id=\?\)/);
    assert.ok(!steps.some((s) => s.startsWith("SCAN")), steps.join("\n"));
  }
  await deps.close();
});
