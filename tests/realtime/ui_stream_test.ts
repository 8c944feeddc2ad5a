import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, sendMessages } from "./fixtures.ts";

Deno.test("/ui/events pushes a message as an unnamed, resumable HTML fragment to participants only", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const { admin, users: { bob, carol } } = acme;
  const team = await createGroup(server.deps, admin.user, [bob.user]);
  const carolsRoom = await createGroup(server.deps, carol.user, []);
  const [sBob, sCarol] = await Promise.all([bob, carol].map((u) => SseReader.open(`${server.url}/ui/events`, u.auth)));
  await Promise.all([sBob, sCarol].map((s) => s.count("connected", 1)));

  await sendMessages(server.deps, team, admin.user, ["<b>hi</b> bob"]);
  await sendMessages(server.deps, carolsRoom, carol.user, ["carol sentinel"]);
  const html = (s: SseReader) => s.of("message").map((m) => m.data).join("\n");
  await sBob.until(() => html(sBob).includes(`#messages-${team}`), 5000, "bob's fragment");
  await sCarol.until(() => html(sCarol).includes("carol sentinel"), 5000, "carol's fragment");

  const fragment = sBob.of("message").find((m) => m.data.includes(`#messages-${team}`))!;
  assert.ok(fragment, "a fragment targets the conversation's message list");
  assert.match(fragment.id ?? "", /^\d+$/);
  assert.ok(!fragment.data.includes("<b>hi</b>"), "message content is escaped");
  assert.ok(!html(sCarol).includes(team), "no fragment about the team reaches a non-participant");
  await Promise.all([sBob, sCarol].map((s) => s.close()));
  await server.close();
});
