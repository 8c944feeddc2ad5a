import assert from "node:assert/strict";
import { type LiveWorld, liveWorld } from "./live_world.ts";

async function defineFields(w: LiveWorld) {
  const res = await w.call(w.admin, "PUT", "/api/admin/settings", {
    custom_fields: [
      {
        key: "stage",
        label: "Stage",
        type: "select",
        options: ["lead", "won"],
        required: true,
        applies_to: "conversation",
      },
      { key: "amount", label: "Amount", type: "number", applies_to: "conversation" },
      { key: "vip", label: "VIP", type: "boolean", applies_to: "conversation" },
      { key: "due", label: "Due", type: "date", applies_to: "message" },
      { key: "note", label: "Note", type: "text", applies_to: "message" },
    ],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const create = (w: LiveWorld, custom_fields?: unknown) =>
  w.call(w.bob, "POST", "/conversations/", { kind: "group", title: "Deal", participant_ids: [], custom_fields });

Deno.test("over HTTP, conversation custom fields are validated against the definitions, naming the field", async () => {
  const w = await liveWorld();
  await defineFields(w);

  const ok = await create(w, { stage: "lead", amount: 1200, vip: true });
  const refused = await Promise.all([
    create(w, undefined),
    create(w, { stage: "lead", colour: "red" }),
    create(w, { stage: "maybe" }),
    create(w, { stage: "won", amount: "12" }),
    create(w, { stage: "won", due: "2024-01-01" }),
  ]);
  const patched = await w.call(w.bob, "PATCH", `/conversations/${ok.body.id}/`, {
    custom_fields: { stage: "won", amount: null },
  });
  const dropRequired = await w.call(w.bob, "PATCH", `/conversations/${ok.body.id}/`, {
    custom_fields: { stage: null },
  });
  const count = await w.deps.database.client.execute("SELECT count(*) AS n FROM conversations");

  assert.equal(ok.status, 201);
  assert.deepEqual(ok.body.custom_fields, { stage: "lead", amount: 1200, vip: true });
  const messages = refused.map((r) => [r.status, r.body.error.details[0].path]);
  assert.deepEqual(messages, [
    [400, "custom_fields.stage"],
    [400, "custom_fields.colour"],
    [400, "custom_fields.stage"],
    [400, "custom_fields.amount"],
    [400, "custom_fields.due"],
  ]);
  assert.match(refused[4].body.error.message, /applies to messages/);
  assert.deepEqual(patched.body.custom_fields, { stage: "won", vip: true });
  assert.equal(dropRequired.status, 400);
  assert.equal(Number(count.rows[0].n), 1, "refused requests created nothing");
  await w.close();
});

Deno.test("over HTTP, message custom fields on send and edit; the conversation list filters with ?cf_KEY=", async () => {
  const w = await liveWorld();
  await defineFields(w);
  const lead = (await create(w, { stage: "lead", amount: 10 })).body.id;
  const won = (await create(w, { stage: "won", amount: 20, vip: true })).body.id;

  const sent = await w.call(w.bob, "POST", `/conversations/${lead}/messages/`, {
    content: "due soon",
    custom_fields: { due: "2030-05-31" },
  });
  const wrong = await w.call(w.bob, "POST", `/conversations/${lead}/messages/`, {
    content: "x",
    custom_fields: { due: "tomorrow" },
  });
  const edited = await w.call(w.bob, "PATCH", `/messages/${sent.body.id}/`, { custom_fields: { note: "call first" } });
  const byStage = await w.call(w.bob, "GET", "/conversations/?cf_stage=won");
  const byAmount = await w.call(w.bob, "GET", "/conversations/?cf_amount=10");
  const byFlag = await w.call(w.bob, "GET", "/conversations/?cf_vip=true");
  const both = await w.call(w.bob, "GET", "/conversations/?cf_stage=won&cf_amount=10");
  const unknown = await w.call(w.bob, "GET", "/conversations/?cf_colour=red");
  const notNumber = await w.call(w.bob, "GET", "/conversations/?cf_amount=ten");
  const listed = await w.call(w.bob, "GET", `/conversations/${lead}/messages/`);

  assert.equal(sent.status, 201);
  assert.deepEqual(sent.body.custom_fields, { due: "2030-05-31" });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.details[0].path, "custom_fields.due");
  assert.deepEqual(edited.body.custom_fields, { due: "2030-05-31", note: "call first" });
  assert.equal(edited.body.content, "due soon");
  assert.deepEqual(byStage.body.map((c: { id: string }) => c.id), [won]);
  assert.deepEqual(byAmount.body.map((c: { id: string }) => c.id), [lead]);
  assert.deepEqual(byFlag.body.map((c: { id: string }) => c.id), [won]);
  assert.deepEqual(both.body, []);
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /cf_colour/);
  assert.equal(notNumber.status, 400);
  assert.deepEqual(listed.body.at(-1).custom_fields, { due: "2030-05-31", note: "call first" });
  await w.close();
});

Deno.test("over HTTP, custom field definitions are checked: key pattern, types, options, at most 20", async () => {
  const w = await liveWorld();
  const field = (i: number) => ({ key: `f${i}`, label: `F${i}`, type: "text", applies_to: "message" });

  const bad = await Promise.all([
    [{ key: "Bad", label: "B", type: "text", applies_to: "message" }],
    [{ key: "s", label: "S", type: "select", applies_to: "message" }],
    [{ key: "n", label: "N", type: "number", options: ["a"], applies_to: "message" }],
    [{ key: "x", label: "X", type: "color", applies_to: "message" }],
    [{ key: "x", label: "X", type: "text", applies_to: "everything" }],
    Array.from({ length: 21 }, (_, i) => field(i)),
  ].map((custom_fields) => w.call(w.admin, "PUT", "/api/admin/settings", { custom_fields })));
  const twenty = await w.call(w.admin, "PUT", "/api/admin/settings", {
    custom_fields: Array.from({ length: 20 }, (_, i) => field(i)),
  });

  for (const res of bad) assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(twenty.status, 200);
  assert.equal(twenty.body.custom_fields.length, 20);
  await w.close();
});
