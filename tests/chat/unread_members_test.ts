import assert from "node:assert/strict";
import { chatWorld, makeGroup, say } from "./world.ts";
import { unreadOfMembers } from "../../chat/conversations/unread.ts";
import type { TenantId } from "../../chat/tenancy.ts";

Deno.test("unreadOfMembers gives every member the unread count, mute and archive flags the API shows, in one read", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol, w.erin]);
  const first = await say(w, w.bob, id, "one");
  await say(w, w.bob, id, "two");
  await say(w, w.erin, id, "three");
  await w.call(w.carol, "POST", `/conversations/${id}/mark_read/`, { up_to_id: first });
  await w.call(w.carol, "PATCH", `/conversations/${id}/mute/`);
  await w.call(w.erin, "POST", `/conversations/${id}/leave/`).catch(() => undefined);
  const api = async (who: typeof w.bob) => {
    const list = await w.call(who, "GET", "/conversations/");
    const row = list.body.find((c: { id: string }) => c.id === id);
    return row && { unread: row.unread_count, muted: row.is_muted, archived: row.is_archived };
  };
  const scope = { tenantId: w.bob.user.tenantId as TenantId, db: w.deps.database.db };
  const otherTenant = { tenantId: w.zed.user.tenantId as TenantId, db: w.deps.database.db };

  const all = await unreadOfMembers(scope, id);
  const fromOtherTenant = await unreadOfMembers(otherTenant, id);

  assert.deepEqual(all.get(w.bob.user.id), await api(w.bob));
  assert.deepEqual(all.get(w.carol.user.id), { unread: 2, muted: true, archived: false });
  assert.deepEqual(all.get(w.carol.user.id), await api(w.carol));
  // erin left: no longer a member, so not counted
  assert.equal(all.has(w.erin.user.id), false);
  assert.equal(all.size, 2);
  assert.equal(fromOtherTenant.size, 0);
  await w.deps.close();
});
