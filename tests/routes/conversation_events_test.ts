import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { type SseMessage, SseReader } from "../realtime/sse_reader.ts";

const VIEWER_STATE = ["unread_count", "is_archived", "is_muted"];

Deno.test("over real SSE streams, conversation events carry no member's unread count, archive or mute", async (t) => {
  const server = await startServer();
  const { admin: ann, users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const api = async (who: typeof ann, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/chat${path}`, {
      method,
      headers: { ...who.auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
    return await res.json();
  };
  const created = await api(ann, "POST", "/conversations/", {
    kind: "group",
    title: "Team",
    participant_ids: [bob.user.id],
  });
  const team = created.id as string;
  // Ann's own state in the team is all non-default: two unread, archived and muted
  await api(bob, "POST", `/conversations/${team}/messages/`, { content: "one" });
  await api(bob, "POST", `/conversations/${team}/messages/`, { content: "two" });
  await api(ann, "PATCH", `/conversations/${team}/archive/`);
  await api(ann, "PATCH", `/conversations/${team}/mute/`);
  const annsRow = (await api(ann, "GET", "/conversations/?archived=true")).find((c: { id: string }) => c.id === team);
  assert.deepEqual([annsRow.unread_count, annsRow.is_archived, annsRow.is_muted], [2, true, true]);

  const bobJson = await SseReader.open(`${server.url}/api/chat/events`, bob.auth);
  const bobHtml = await SseReader.open(`${server.url}/ui/events`, bob.auth);
  const annHtml = await SseReader.open(`${server.url}/ui/events`, ann.auth);
  await Promise.all([bobJson, bobHtml, annHtml].map((s) => s.count("connected", 1)));

  await api(ann, "PATCH", `/conversations/${team}/`, { title: "Team, renamed", topic: "launch" });
  const other = await api(ann, "POST", "/conversations/", {
    kind: "group",
    title: "Other",
    participant_ids: [bob.user.id],
  });

  await t.step(
    "Bob's JSON stream gets conversation_updated and conversation_created without viewer state",
    async () => {
      await bobJson.count("conversation_updated", 1);
      await bobJson.count("conversation_created", 1);
      const updated = JSON.parse(bobJson.of("conversation_updated")[0].data).conversation;
      const fresh = JSON.parse(bobJson.of("conversation_created")[0].data).conversation;
      assert.equal(updated.title, "Team, renamed");
      assert.equal(fresh.id, other.id);
      for (const conversation of [updated, fresh]) {
        for (const key of VIEWER_STATE) assert.equal(key in conversation, false, `${key} in ${conversation.title}`);
      }
      // the shared fields are all there
      assert.equal(updated.topic, "launch");
      assert.deepEqual(updated.participants.map((p: { id: string }) => p.id).sort(), [ann.user.id, bob.user.id].sort());
    },
  );

  await t.step("a replay from the durable log carries no viewer state either", async () => {
    const replay = await SseReader.open(`${server.url}/api/chat/events?after=0`, bob.auth);
    await replay.count("conversation_updated", 1);
    await replay.count("conversation_created", 2);
    const events = [...replay.of("conversation_created"), ...replay.of("conversation_updated")];
    for (const event of events) {
      const conversation = JSON.parse(event.data).conversation;
      for (const key of VIEWER_STATE) assert.equal(key in conversation, false, `${event.event}: ${key}`);
    }
    await replay.close();
  });

  await t.step("each page's row shows its own viewer's badge, mute and archive state", async () => {
    const title = `<span class="conv-title">Team, renamed</span>`;
    const hasRow = (m: SseMessage[]) => m.some((x) => x.data.includes(title));
    await bobHtml.until(hasRow, 5000, "Bob's row");
    await annHtml.until(hasRow, 5000, "Ann's row");
    const bobRow = bobHtml.of("message").find((m) => m.data.includes(title))!.data;
    const annRow = annHtml.of("message").find((m) => m.data.includes(title))!.data;
    const onTopOf = (archived: boolean) =>
      `<hx-partial hx-target=".conv-list-wrap[data-archived=&quot;${archived}&quot;] &gt; .conv-list" hx-swap="afterbegin">`;
    // Bob: nothing unread, not muted, not archived, so the row goes on top of his active list
    assert.ok(bobRow.includes(onTopOf(false)));
    assert.match(bobRow, /data-muted="false"/);
    assert.match(bobRow, new RegExp(`/ui/conversations/${team}/archive"`));
    assert.match(bobRow, new RegExp(`id="unread-${team}" class="badge empty"`));
    // Ann: her two unread, muted, archived: on top of her archive where shown, never put in the active list
    assert.ok(annRow.includes(onTopOf(true)));
    assert.ok(!annRow.includes(onTopOf(false)));
    assert.match(annRow, /data-muted="true"/);
    assert.match(annRow, new RegExp(`/ui/conversations/${team}/unarchive"`));
    assert.match(annRow, new RegExp(`id="unread-${team}" class="badge" data-count="2"`));
  });

  await Promise.all([bobJson, bobHtml, annHtml].map((s) => s.close()));
  await server.close();
});
