import assert from "node:assert/strict";
import { liveWorld } from "./live_world.ts";

Deno.test("over HTTP, GET|PUT /api/admin/settings: one object, any subset changes only itself, audited", async () => {
  const w = await liveWorld();
  const before = await w.call(w.admin, "GET", "/api/admin/settings");

  const put = await w.call(w.admin, "PUT", "/api/admin/settings", {
    edit_window_minutes: 5,
    default_locale: "es",
    entity_types: [{
      type: "task",
      url_template: "https://erp.example/t/{id}",
      label_template: "Task #{id}",
      resolver_url: "https://erp.example/resolve",
      resolver_secret: "s3cret",
    }],
  });
  const second = await w.call(w.admin, "PUT", "/api/admin/settings", { messages_per_min: 10 });
  const chat = await w.call(w.bob, "GET", "/settings/");
  const audit = await w.deps.database.client.execute(
    "SELECT action, data FROM audit_log WHERE action = 'settings.updated' ORDER BY id",
  );

  assert.equal(before.status, 200);
  assert.deepEqual(
    Object.keys(before.body).sort(),
    [
      "assistant",
      "branding",
      "conversations_per_min",
      "custom_fields",
      "default_locale",
      "edit_window_minutes",
      "edits_per_min",
      "embed_origins",
      "entity_types",
      "message_retention_days",
      "messages_per_min",
      "participant_adds_per_min",
      "pii_detectors",
      "pii_policy",
      "reactions_per_min",
      "retention_last_run",
      "sso_allow_admin",
      "sso_jwks_url",
      "streams_per_user",
      "support_bot",
      "typing_per_min",
    ],
  );
  assert.equal(before.body.edit_window_minutes, 15);
  assert.deepEqual(before.body.entity_types, []);
  assert.equal(put.status, 200);
  assert.equal(put.body.edit_window_minutes, 5);
  assert.equal(put.body.default_locale, "es");
  assert.equal(put.body.entity_types[0].type, "task");
  assert.equal(second.body.messages_per_min, 10);
  assert.equal(second.body.edit_window_minutes, 5, "a later PUT leaves other settings alone");
  assert.equal(second.body.entity_types.length, 1);
  assert.equal(chat.body.edit_window_minutes, 5);
  assert.equal(audit.rows.length, 2);
  const first = JSON.parse(String(audit.rows[0].data));
  assert.deepEqual(first.before.edit_window_minutes, null);
  assert.deepEqual(first.after.edit_window_minutes, 5);
  assert.equal(first.after.entity_types[0].resolver_secret, "********", "secrets stay out of the audit log");
  assert.ok(!String(audit.rows[0].data).includes("s3cret"));
  await w.close();
});

Deno.test("over HTTP, admin settings refuse unknown keys by name, bad values, members and guests", async () => {
  const w = await liveWorld();

  const unknown = await w.call(w.admin, "PUT", "/api/admin/settings", { edit_window_minutes: 3, colour: "red" });
  const badValue = await w.call(w.admin, "PUT", "/api/admin/settings", { messages_per_min: -1 });
  const member = await w.call(w.bob, "GET", "/api/admin/settings");
  const memberPut = await w.call(w.bob, "PUT", "/api/admin/settings", { edit_window_minutes: 1 });
  const guest = await w.call(w.dan, "GET", "/api/admin/settings");
  const after = await w.call(w.admin, "GET", "/api/admin/settings");

  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /colour/);
  assert.equal(badValue.status, 400);
  assert.deepEqual([member.status, memberPut.status, guest.status], [403, 403, 403]);
  assert.equal(after.body.edit_window_minutes, 15, "nothing of a refused PUT was saved");
  assert.equal(after.body.messages_per_min, 60);
  await w.close();
});
