import assert from "node:assert/strict";
import { json } from "../helpers.ts";
import { seedDatabaseFile, startInstance } from "./processes.ts";

const SENDERS = 20;

Deno.test({
  name: "a kill -9 of the server under concurrent sends loses no acknowledged message and stores no half-sent one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const databaseUrl = `file:${dir}/parley.db`;
    const { admin, users } = await seedDatabaseFile(databaseUrl, { bob: "member" });
    const env = { DATABASE_URL: databaseUrl };
    const first = await startInstance(env);
    let second: Awaited<ReturnType<typeof startInstance>> | null = null;
    try {
      const room = await (await fetch(
        `${first.url}/api/chat/conversations/`,
        json({ kind: "group", title: "Ops", participant_ids: [users.bob.user.id] }, admin.auth),
      )).json();
      const url = `${first.url}/api/chat/conversations/${room.id}/messages/`;
      // every sender keeps one send in flight until the server dies under it
      const acknowledged: { id: string; clientId: string; content: string }[] = [];
      let killed = false;
      const senders = Array.from({ length: SENDERS }, async (_, s) => {
        for (let i = 0; !killed; i++) {
          const body = { content: `sender ${s} message ${i}`, client_id: `${s}-${i}` };
          try {
            const res = await fetch(url, json(body, admin.auth));
            if (res.status !== 201) throw new Error(`send answered ${res.status}`);
            const message = await res.json();
            acknowledged.push({ id: message.id, clientId: body.client_id, content: body.content });
          } catch (e) {
            if (!killed) throw e;
          }
        }
      });
      while (acknowledged.length < 500) await new Promise((r) => setTimeout(r, 5));
      killed = true;
      await first.stop("SIGKILL");
      await Promise.all(senders);

      second = await startInstance(env);
      const stored = new Map<string, { content: string; client_id: string }>();
      let before: string | undefined;
      for (;;) {
        const page = await (await fetch(
          `${second.url}/api/chat/conversations/${room.id}/messages/?limit=100${before ? `&before_id=${before}` : ""}`,
          { headers: admin.auth },
        )).json();
        for (const m of page) stored.set(m.id, m);
        if (page.length < 100) break;
        before = page[0].id;
      }
      for (const sent of acknowledged) {
        assert.equal(stored.get(sent.id)?.content, sent.content, `acknowledged message ${sent.clientId} is stored`);
      }
      // what was in flight at the kill either committed whole or not at all: a stored
      // message is one of those sent, and its event is in the log for streams to replay
      const announced = new Set<string>();
      for (let after = "0";;) {
        const res = await fetch(`${second.url}/api/chat/events/poll?after=${after}&timeout=0`, { headers: admin.auth });
        const events: { type: string; data: { message?: { id: string } } }[] = await res.json();
        if (events.length === 0) break;
        for (const e of events) if (e.type === "message_created") announced.add(e.data.message!.id);
        after = res.headers.get("x-last-event-id")!;
      }
      for (const [id, m] of stored) {
        assert.match(m.content, /^sender \d+ message \d+$/);
        assert.ok(announced.has(id), `message ${m.client_id} has its event`);
      }
      assert.ok(stored.size >= acknowledged.length);
    } finally {
      await second?.stop();
    }
  },
});
