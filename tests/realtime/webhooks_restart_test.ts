import assert from "node:assert/strict";
import { json } from "../helpers.ts";
import { seedDatabaseFile, startInstance } from "./processes.ts";
import { startReceiver, verifySignature } from "../routes/webhook_receiver.ts";

async function until(check: () => boolean, what: string, timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name: "webhook deliveries survive a kill -9 of the server mid-queue: every event arrives, in order, at least once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const databaseUrl = `file:${dir}/parley.db`;
    const { admin, users } = await seedDatabaseFile(databaseUrl, { bob: "member" });
    // a slow receiver, so the queue is still long when the server dies
    const receiver = startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return 200;
    });
    const env = { DATABASE_URL: databaseUrl, WEBHOOKS_ALLOW_PRIVATE: "true" };
    const first = await startInstance(env);
    let second: Awaited<ReturnType<typeof startInstance>> | null = null;
    try {
      const hook = await (await fetch(
        `${first.url}/api/admin/webhooks`,
        json({ url: receiver.url, events: ["message.created"] }, admin.auth),
      )).json();
      const room = await (await fetch(
        `${first.url}/api/chat/conversations/`,
        json({ kind: "group", title: "Ops", participant_ids: [users.bob.user.id] }, admin.auth),
      )).json();
      const sent: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await fetch(
          `${first.url}/api/chat/conversations/${room.id}/messages/`,
          json({ content: `m${i}` }, admin.auth),
        );
        assert.equal(res.status, 201);
        sent.push((await res.json()).id);
      }
      await until(() => receiver.received.length >= 5, "the first deliveries");

      await first.stop("SIGKILL");
      const atKill = new Set(receiver.received.map((r) => r.eventId)).size;
      second = await startInstance(env);
      const ids = () => receiver.received.map((r) => r.body.data.message.id as string);
      await until(() => new Set(ids()).size === sent.length, "every event after the restart");

      assert.ok(atKill < sent.length, `the server died mid-queue (${atKill} of ${sent.length} delivered)`);
      const firstSeen = ids().filter((id, i, all) => all.indexOf(id) === i);
      assert.deepEqual(firstSeen, sent, "in event order");
      for (let i = 1; i < receiver.received.length; i++) {
        // a resend after the restart repeats at most the one delivery in flight, then goes on in order
        const at = sent.indexOf(ids()[i]);
        assert.ok(at >= sent.indexOf(ids()[i - 1]), `delivery ${i} does not go back in the queue`);
      }
      for (const r of receiver.received) assert.ok(await verifySignature(hook.secret, r.signature!, r.raw));
      const states = async () => {
        const res = await fetch(`${second!.url}/api/admin/webhooks/${hook.id}/deliveries`, { headers: admin.auth });
        return (await res.json()).map((d: { state: string }) => d.state);
      };
      let log = await states();
      for (let i = 0; i < 40 && log.some((s: string) => s !== "delivered"); i++) {
        await new Promise((r) => setTimeout(r, 100));
        log = await states();
      }
      assert.deepEqual(log, sent.map(() => "delivered"), "the log shows every event delivered");
    } finally {
      await first.stop("SIGKILL");
      await second?.stop();
      await receiver.close();
    }
  },
});
