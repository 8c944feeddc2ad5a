/**
 * Webhook benchmark: sustained sends through the real HTTP server on loopback, first with
 * no webhook, then with one subscribed to `message.created` and `mention.created` whose
 * loopback receiver answers at once, while the process's dispatcher delivers. Reports
 * sends per second and send latency for both phases (the send path should not change), and
 * how long the queue takes to drain after the sends stop. The clients and the receiver run
 * in this process, so both phases share the machine the same way.
 * Prints one JSON line per measurement.
 *
 * Options (environment): BENCH_SECONDS (each send phase, default 5), BENCH_CLIENTS (default 20).
 */
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createApp } from "../main.ts";
import { listen } from "../server/http_server.ts";
import { createUser, createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import { createConversation } from "../chat/conversations/conversations.ts";
import { scopeFor, type TenantId } from "../chat/tenancy.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
const CLIENTS = Number(Deno.env.get("BENCH_CLIENTS") ?? 20);

function report(line: Record<string, unknown>) {
  const load = Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  console.log(JSON.stringify({ ...line, load_avg_1m: load }));
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const dir = await Deno.makeTempDir({ prefix: "parley-bench-webhooks-" });
const config = loadConfig({
  DATABASE_URL: `file:${dir}/bench.db`,
  ATTACHMENTS: `fs:${dir}/attachments`,
  SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
  RATE_LIMIT_MESSAGES_PER_MIN: "1000000000",
  WEBHOOKS_ALLOW_PRIVATE: "true",
  LOG_LEVEL: "error",
});
const deps = await createRuntime(config);
const db = deps.database.db;
const { tenant, user: owner } = await createWorkspace(db, {
  name: "Bench",
  slug: "bench",
  admin: { name: "Owner", email: "owner@bench.test", password: null },
});
const people = [owner];
for (let i = 0; i < 9; i++) {
  people.push(
    await createUser(db, { tenantId: tenant.id as TenantId, db }, {
      name: `User ${i}`,
      email: `u${i}@bench.test`,
      username: `user${i}`,
      role: "member",
    }),
  );
}
const ownerScope = scopeFor({ db, bus: deps.bus }, { tenantId: tenant.id, userId: owner.id, role: "admin" });
const conversation = await createConversation(ownerScope, {
  kind: "group",
  title: "Bench",
  participantIds: people.map((p) => p.id),
}, deps);
const auth = { authorization: `Bearer ${await openSession(db, deps.keys, owner)}`, "content-type": "application/json" };
const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
const messagesUrl = `${server.url}/api/chat/conversations/${conversation.id}/messages/`;

let received = 0;
const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
  await req.arrayBuffer();
  received++;
  return new Response(null, { status: 204 });
});

async function sendPhase(name: string) {
  const times: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let sent = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(messagesUrl, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ content: `hello @user${sent % 9} number ${sent}` }),
      });
      await res.body?.cancel();
      if (res.status !== 201) throw new Error(`send: ${res.status}`);
      times.push(performance.now() - t0);
      sent++;
    }
  }));
  times.sort((a, b) => a - b);
  report({
    bench: name,
    clients: CLIENTS,
    seconds: SECONDS,
    messages: sent,
    sends_per_sec: Math.round(sent / SECONDS),
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
  });
  return sent;
}

await sendPhase("send_without_webhooks");
const created = await fetch(`${server.url}/api/admin/webhooks`, {
  method: "POST",
  headers: auth,
  body: JSON.stringify({
    url: `http://127.0.0.1:${receiver.addr.port}/hook`,
    events: ["message.created", "mention.created"],
  }),
});
if (created.status !== 201) throw new Error(`webhook: ${created.status} ${await created.text()}`);
const sent = await sendPhase("send_with_webhook");
// each message is one message.created and one mention.created
const expected = sent * 2;
const drainStart = performance.now();
const deliveredDuringSends = received;
while (received < expected) await new Promise((r) => setTimeout(r, 20));
const drainSeconds = (performance.now() - drainStart) / 1000;
report({
  bench: "webhook_drain",
  deliveries: expected,
  delivered_during_sends: deliveredDuringSends,
  drain_seconds_after_sends: round(drainSeconds),
  deliveries_per_sec: Math.round((expected - deliveredDuringSends) / Math.max(drainSeconds, 0.001)),
});

await server.shutdown();
await receiver.shutdown();
await deps.close();
await Deno.remove(dir, { recursive: true });
