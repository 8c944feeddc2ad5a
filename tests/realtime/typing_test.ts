import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { TypingTracker } from "../../realtime/typing.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";
import { createGroup, sendMessages } from "./fixtures.ts";

Deno.test("typing reaches the other participants only and is never stored", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const other = await seedTenant(server.deps, "other");
  const { admin, users: { bob, carol } } = acme;
  const team = await createGroup(server.deps, admin.user, [bob.user]);
  const [sAdmin, sBob] = await Promise.all(
    [admin, bob].map((u) => SseReader.open(`${server.url}/api/chat/events`, u.auth)),
  );
  await Promise.all([sAdmin, sBob].map((s) => s.count("connected", 1)));
  const typing = (who: { auth: Record<string, string> }, id = team) =>
    fetch(`${server.url}/api/chat/conversations/${id}/typing/`, { method: "POST", headers: who.auth });

  const ok = await typing(bob);
  await sAdmin.count("typing", 1);
  await sendMessages(server.deps, team, admin.user, ["sentinel"]);
  await sBob.count("message_created", 1);
  const outsider = await typing(carol);
  const foreign = await typing(other.admin);
  const unknown = await typing(bob, "not-a-uuid");

  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: "ok" });
  assert.deepEqual(JSON.parse(sAdmin.of("typing")[0].data), {
    conversation_id: team,
    user_id: bob.user.id,
    user_name: "Bob",
  });
  assert.equal(sAdmin.of("typing")[0].id, null);
  assert.equal(sBob.of("typing").length, 0);
  for (const res of [outsider, foreign, unknown]) {
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, "not_found");
  }
  const stored = await server.deps.database.client.execute("SELECT count(*) AS n FROM events WHERE type = 'typing'");
  assert.equal(Number(stored.rows[0].n), 0);
  await Promise.all([sAdmin, sBob].map((s) => s.close()));
  await server.close();
});

Deno.test("a typing indicator expires 5 s after the last signal and repeats are throttled", () => {
  let now = 1_000_000;
  const tracker = new TypingTracker(() => now);
  const bob = { id: "bob", name: "Bob" };

  const first = tracker.signal("t", "c", bob);
  now += 1_000;
  const repeat = tracker.signal("t", "c", bob);
  now += 4_900;
  const stillTyping = tracker.typingIn("c");
  now += 200;
  const expired = tracker.typingIn("c");
  const again = tracker.signal("t", "c", bob);

  assert.equal(first?.type, "typing");
  assert.equal(repeat, null);
  assert.deepEqual(stillTyping, ["bob"]);
  assert.deepEqual(expired, []);
  assert.equal(again?.type, "typing");
});
