/**
 * Message benchmark: seeds one conversation with 1,000,000 messages, then measures
 * page latency (newest page and a page in the middle, through `app.request`, i.e. the
 * full middleware, auth and serialization stack without a socket) and sustained sends
 * from 50 concurrent clients through the real HTTP server on loopback. The clients run in
 * a child process, so they do not take the server's CPU, and the server's own CPU time per
 * message is reported: unlike wall-clock rates it does not depend on what else the machine runs.
 * Prints one JSON line per measurement, each with the load average when it ended.
 *
 * The senders are, by default, the load generator in C (`bench/send_client.c`, built with the
 * system's `cc` into `.tools/`): closed-loop clients with one keep-alive connection and one
 * request in flight each, on an epoll loop that leaves the cores it shares with the server to
 * the server. `SEND_CLIENT=deno` runs them as `fetch` loops in a Deno child process instead,
 * which is also the fallback where no C compiler is found; `SEND_CLIENT=c` insists on C.
 *
 * Options (environment): BENCH_MESSAGES (default 1000000), BENCH_SECONDS (send phase, default 10),
 * BENCH_CLIENTS (default 50), BENCH_SAMPLES (page fetches per case, default 500), SEND_CLIENT.
 */
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createApp } from "../main.ts";
import { listen } from "../server/http_server.ts";
import { createUser, createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import { createConversation } from "../chat/conversations/conversations.ts";
import { scopeFor, type TenantId } from "../chat/tenancy.ts";
import { uuidv7 } from "../db/ids.ts";
import { indexNow } from "../chat/search/indexer.ts";
import { buildCTool } from "./c_tools.ts";
import { loopLag, stallsBetween } from "./fanout_setup.ts";
import process from "node:process";

const TOTAL = Number(Deno.env.get("BENCH_MESSAGES") ?? 1_000_000);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
const CLIENTS = Number(Deno.env.get("BENCH_CLIENTS") ?? 50);
const SAMPLES = Number(Deno.env.get("BENCH_SAMPLES") ?? 500);
const BATCH_ROWS = 500;
const TX_ROWS = 50_000;

function loadAverage() {
  return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
}

function report(line: Record<string, unknown>) {
  console.log(JSON.stringify({ ...line, load_avg_1m: loadAverage() }));
}

/** CPU time (user + system, all threads) this process spent since `since`, in µs. */
function cpuSince(since: NodeJS.CpuUsage) {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** The client side of the send phase: runs in a child process and prints one JSON summary. */
async function runClients(url: string, tokens: string[]) {
  const times: number[] = [];
  let sent = 0;
  let failed = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    const headers = { authorization: `Bearer ${tokens[c % tokens.length]}`, "content-type": "application/json" };
    for (let i = 0; performance.now() < deadline; i++) {
      const t0 = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ content: `client ${c} message ${i}`, client_id: `${c}-${i}` }),
      });
      await res.body?.cancel();
      times.push(performance.now() - t0);
      if (res.status === 201) sent++;
      else failed++;
    }
  }));
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    seconds: (performance.now() - start) / 1000,
    sent,
    failed,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
  }));
}

if (Deno.env.get("BENCH_ROLE") === "clients") {
  await runClients(Deno.env.get("BENCH_URL")!, JSON.parse(Deno.env.get("BENCH_TOKENS")!));
  Deno.exit(0);
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function round(n: number) {
  return Math.round(n * 1000) / 1000;
}

const dir = await Deno.makeTempDir({ prefix: "parley-bench-" });
const config = loadConfig({
  DATABASE_URL: `file:${dir}/bench.db`,
  ATTACHMENTS: `fs:${dir}/attachments`,
  SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
  RATE_LIMIT_MESSAGES_PER_MIN: "1000000000",
  RATE_LIMIT_CONVERSATIONS_PER_MIN: "1000000000",
  LOG_LEVEL: "error",
});
const deps = await createRuntime(config);
const db = deps.database.db;
const { tenant, user: owner } = await createWorkspace(db, {
  name: "Bench",
  slug: "bench",
  admin: { name: "Owner", email: "owner@bench.test", password: null },
});
const tenantScope = { tenantId: tenant.id as TenantId, db };
const people = [owner];
for (let i = 0; i < 9; i++) {
  people.push(await createUser(db, tenantScope, { name: `User ${i}`, email: `u${i}@bench.test`, role: "member" }));
}
const ownerScope = scopeFor({ db, bus: deps.bus }, { tenantId: tenant.id, userId: owner.id, role: "admin" });
const conversation = await createConversation(ownerScope, {
  kind: "group",
  title: "Bench",
  participantIds: people.map((p) => p.id),
}, deps);

// seeding: multi-row INSERTs, 500 rows a statement, 50,000 rows a transaction
const seedStart = performance.now();
const base = Date.now() - TOTAL;
let lastId = "";
let middleId = "";
for (let done = 0; done < TOTAL;) {
  const tx = await deps.database.client.transaction("write");
  const txEnd = Math.min(TOTAL, done + TX_ROWS);
  while (done < txEnd) {
    const n = Math.min(BATCH_ROWS, txEnd - done);
    const args: (string | number)[] = [];
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = done + i;
      const id = uuidv7(base + k);
      const at = base + k;
      if (k === Math.floor(TOTAL / 2)) middleId = id;
      lastId = id;
      rows.push("(?,?,?,?,'text',?,0,'{}','{}',?,?)");
      args.push(id, tenant.id, conversation.id, people[k % people.length].id, `message number ${k}`, at, at);
    }
    await tx.execute({
      sql: `INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, has_attachments,
        metadata, custom_fields, created_at, updated_at) VALUES ${rows.join(",")}`,
      args,
    });
    done += n;
  }
  await tx.commit();
}
await deps.database.client.execute({
  sql: "UPDATE conversations SET last_message_id = ?, last_message_at = ?, updated_at = ? WHERE id = ?",
  args: [lastId, base + TOTAL, base + TOTAL, conversation.id],
});
const seedSeconds = (performance.now() - seedStart) / 1000;
report({
  bench: "seed_messages",
  messages: TOTAL,
  seconds: round(seedSeconds),
  rows_per_sec: Math.round(TOTAL / seedSeconds),
});

// seeded history is indexed for search before measuring, as a server's own messages are
// (the migration indexes existing ones; sends are indexed as they come)
const indexStart = performance.now();
await indexNow(db);
const indexSeconds = (performance.now() - indexStart) / 1000;
report({ bench: "search_index_seeded", messages: TOTAL, seconds: round(indexSeconds) });

const app = createApp(deps);
const tokens = await Promise.all(people.map((p) => openSession(db, deps.keys, p)));
const reader = { authorization: `Bearer ${tokens[1]}` };

async function pageLatency(name: string, query: string) {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const res = await app.request(`/api/chat/conversations/${conversation.id}/messages/${query}`, { headers: reader });
    const body = await res.json();
    times.push(performance.now() - t0);
    if (res.status !== 200 || body.length !== 50) throw new Error(`${name}: ${res.status} ${body.length}`);
  }
  times.sort((a, b) => a - b);
  report({
    bench: name,
    transport: "app.request (in process)",
    messages_in_conversation: TOTAL,
    page_size: 50,
    samples: SAMPLES,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    cpu_us_per_request: Math.round(cpuSince(cpu) / SAMPLES),
  });
}

await pageLatency("page_newest", "?limit=50");
await pageLatency("page_middle", `?limit=50&before_id=${middleId}`);

/** The C load generator's executable, or null for the Deno one (see the header). */
async function cSendClient(): Promise<string | null> {
  const wanted = Deno.env.get("SEND_CLIENT");
  if (wanted === "deno") return null;
  try {
    return await buildCTool("send_client");
  } catch (e) {
    if (wanted === "c") throw e;
    console.error(`bench: no C load generator (${e instanceof Error ? e.message : e}); using fetch clients on Deno`);
    return null;
  }
}

const cClient = await cSendClient();
const tokensFile = `${dir}/tokens.json`;
await Deno.writeTextFile(tokensFile, JSON.stringify(tokens));
const server = await listen(app.fetch, { port: 0, hostname: "127.0.0.1" });
const url = `${server.url}/api/chat/conversations/${conversation.id}/messages/`;
const lagBefore = await loopLag(server.url);
const cpu = process.cpuUsage();
const child = cClient
  ? new Deno.Command(cClient, {
    args: [url, tokensFile, String(SECONDS), String(CLIENTS)],
    stdout: "piped",
    stderr: "inherit",
  })
  : new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", import.meta.filename!],
    env: { BENCH_ROLE: "clients", BENCH_URL: url, BENCH_TOKENS: JSON.stringify(tokens) },
    stdout: "piped",
    stderr: "inherit",
  });
const output = await child.output();
if (!output.success) throw new Error(`the send clients exited with ${output.code}`);
const clients = JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
report({
  bench: "send_sustained",
  transport: cClient
    ? `HTTP on loopback (the node:http server; ${CLIENTS} closed-loop clients of bench/send_client.c in a child process)`
    : `HTTP on loopback (the node:http server; ${CLIENTS} fetch clients in a child process)`,
  clients: CLIENTS,
  seconds: round(clients.seconds),
  messages: clients.sent,
  failed: clients.failed,
  messages_per_sec: Math.round(clients.sent / clients.seconds),
  p50_ms: clients.p50_ms,
  p99_ms: clients.p99_ms,
  server_cpu_us_per_message: Math.round(cpuSince(cpu) / Math.max(1, clients.sent)),
  // the server's own event-loop stalls while measuring (from its lag histogram), so a bad
  // tail can be told apart from a busy machine
  server_loop_stalls: stallsBetween(lagBefore, await loopLag(server.url)),
});

await server.shutdown();
await deps.close();
await Deno.remove(dir, { recursive: true });
