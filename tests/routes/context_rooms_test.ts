import assert from "node:assert/strict";
import { type LiveWorld, liveWorld } from "./live_world.ts";

async function withTaskType(w: LiveWorld) {
  const res = await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [{ type: "task", url_template: "https://erp.example/tasks/{id}", label_template: "Task #{id}" }],
  });
  assert.equal(res.status, 200);
}

Deno.test("over HTTP, 10 concurrent first calls for one business object create one context room", async () => {
  const w = await liveWorld();
  await withTaskType(w);
  const callers = [w.bob, w.carol, w.erin, w.admin, w.bob, w.carol, w.erin, w.admin, w.bob, w.carol];

  const answers = await Promise.all(callers.map((who) => w.call(who, "GET", "/context/task/45/")));
  const rooms = await w.deps.database.client.execute(
    "SELECT id, kind, title, context_type, context_id FROM conversations WHERE context_id = '45'",
  );
  const members = await w.call(w.bob, "GET", `/conversations/${answers[0].body.id}/`);

  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
  assert.equal(rooms.rows.length, 1);
  assert.deepEqual(
    [rooms.rows[0].kind, rooms.rows[0].title, rooms.rows[0].context_type, rooms.rows[0].context_id],
    ["group", "Task #45", "task", "45"],
  );
  assert.deepEqual(
    members.body.participants.map((p: { id: string }) => p.id).sort(),
    [w.admin, w.bob, w.carol, w.erin].map((u) => u.user.id).sort(),
  );
  await w.close();
});

Deno.test("over HTTP, context rooms: a title, unknown types and bad ids, guests, other workspaces", async () => {
  const w = await liveWorld();
  await withTaskType(w);

  const titled = await w.call(w.bob, "GET", `/context/task/7/?title=${encodeURIComponent("Payroll run")}`);
  const again = await w.call(w.bob, "GET", "/context/task/7/");
  const unknownType = await w.call(w.bob, "GET", "/context/ticket/7/");
  const badId = await w.call(w.bob, "GET", "/context/task/bad%20id/");
  const guestFirst = await w.call(w.dan, "GET", "/context/task/8/");
  const guestExisting = await w.call(w.dan, "GET", "/context/task/7/");
  await w.call(w.bob, "POST", `/conversations/${titled.body.id}/participants/`, { user_ids: [w.dan.user.id] });
  const guestAdded = await w.call(w.dan, "GET", "/context/task/7/");
  const otherWorkspace = await w.call(w.zed, "GET", "/context/task/7/");
  const rooms = await w.deps.database.client.execute(
    "SELECT count(*) AS n FROM conversations WHERE context_type = 'task'",
  );

  assert.equal(titled.status, 201);
  assert.equal(titled.body.title, "Payroll run");
  assert.deepEqual([titled.body.context_type, titled.body.context_id, titled.body.kind], ["task", "7", "group"]);
  assert.equal(again.status, 200);
  assert.equal(again.body.id, titled.body.id);
  assert.equal(unknownType.status, 404);
  assert.equal(badId.status, 400);
  assert.equal(guestFirst.status, 404);
  assert.equal(guestExisting.status, 404);
  assert.equal(guestAdded.status, 200);
  assert.equal(otherWorkspace.status, 404, "another workspace has no task type");
  assert.equal(Number(rooms.rows[0].n), 1);
  await w.close();
});
