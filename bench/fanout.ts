/**
 * Fan-out benchmark: starts the server as a subprocess on a fresh database, opens N real
 * SSE clients on loopback (in 1-2 client subprocesses), posts at rate R through the HTTP
 * API and prints one JSON line per scenario run: latency from POST start to receipt
 * (p50/p99/max), delivered vs expected, server RSS and CPU.
 *
 *   deno task bench:fanout            every scenario, twice
 *   deno task bench:fanout quick      shorter runs
 */
import { openDatabase } from "../db/client.ts";
import { sessionKeysFrom } from "../chat/auth.ts";
import { createWorkspace, openSession } from "../chat/accounts.ts";
import { uuidv7 } from "../chat/ids.ts";
import { conversations, participants, users } from "../db/schema/mod.ts";
import type { User } from "../db/schema/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const quick = Deno.args.includes("quick");
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);
const runs = only ? [1] : [1, 2];
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  dir: string;
  url: string;
  server: Deno.ChildProcess;
  adminToken: string;
  conversationId: string;
  clients: {
    child: Deno.ChildProcess;
    lines: ReadableStreamDefaultReader<string>;
    stdin: WritableStreamDefaultWriter;
  }[];
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function lineReader(stream: ReadableStream<Uint8Array>): ReadableStreamDefaultReader<string> {
  let buffer = "";
  return stream.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TransformStream<string, string>({
      transform(chunk, out) {
        const lines = (buffer + chunk).split("\n");
        buffer = lines.pop()!;
        for (const line of lines) if (line.trim()) out.enqueue(line);
      },
    }),
  ).getReader();
}

async function seed(url: string, clientCount: number) {
  const database = await openDatabase(url);
  const db = database.db;
  const keys = await sessionKeysFrom(SECRET);
  const { tenant, user: admin } = await createWorkspace(db, {
    name: "Bench",
    slug: "bench",
    admin: { name: "Sender", email: "sender@bench.test", password: "correct horse battery staple" },
  });
  const now = new Date();
  const people: User[] = [];
  for (let i = 0; i < clientCount; i += 500) {
    const rows = Array.from({ length: Math.min(500, clientCount - i) }, (_, k) => ({
      id: uuidv7(),
      tenantId: tenant.id,
      email: `u${i + k}@bench.test`,
      username: `u${i + k}`,
      name: `User ${i + k}`,
      role: "member" as const,
      createdAt: now,
      updatedAt: now,
    }));
    people.push(...await db.insert(users).values(rows).returning());
  }
  const conversationId = uuidv7();
  await db.insert(conversations).values({
    id: conversationId,
    tenantId: tenant.id,
    kind: "group",
    title: "Everyone",
    createdBy: admin.id,
    createdAt: now,
    updatedAt: now,
  });
  const members = [admin, ...people];
  for (let i = 0; i < members.length; i += 500) {
    await db.insert(participants).values(
      members.slice(i, i + 500).map((u) => ({
        id: uuidv7(),
        tenantId: tenant.id,
        conversationId,
        userId: u.id,
        role: u === admin ? "owner" as const : "member" as const,
        joinedAt: now,
      })),
    );
  }
  const tokens: string[] = [];
  for (const person of people) tokens.push(await openSession(db, keys, person));
  const adminToken = await openSession(db, keys, admin);
  database.close();
  return { tokens, adminToken, conversationId };
}

async function setUp(clientCount: number): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-" });
  const dbUrl = `file:${dir}/bench.db`;
  const { tokens, adminToken, conversationId } = await seed(dbUrl, clientCount);
  const port = freePort();
  const deno = Deno.execPath();
  const server = new Deno.Command("bash", {
    args: ["-c", `ulimit -n $(ulimit -Hn); exec "${deno}" run -A main.ts`],
    cwd: ROOT,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: dbUrl,
      SESSION_SECRET: SECRET,
      ATTACHMENTS: "db",
      RATE_LIMIT_MESSAGES_PER_MIN: "100000000",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.body?.cancel().then(() => r.ok)).catch(() => false);
    if (ok) break;
    await sleep(50);
  }
  const processes = clientCount > 2000 ? 2 : 1;
  const clients = [];
  for (let p = 0; p < processes; p++) {
    const slice = tokens.filter((_, i) => i % processes === p);
    const file = `${dir}/tokens-${p}.json`;
    await Deno.writeTextFile(file, JSON.stringify(slice));
    const child = new Deno.Command("bash", {
      args: ["-c", `ulimit -n $(ulimit -Hn); exec "${deno}" run -A bench/fanout_client.ts ${url} ${file}`],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    clients.push({ child, lines: lineReader(child.stdout), stdin: child.stdin.getWriter() });
  }
  for (const c of clients) await c.lines.read();
  return { dir, url, server, adminToken, conversationId, clients };
}

async function tearDown(setup: Setup) {
  for (const c of setup.clients) {
    c.child.kill("SIGKILL");
    await c.child.status;
  }
  setup.server.kill("SIGTERM");
  await setup.server.status;
  await Deno.remove(setup.dir, { recursive: true });
}

function serverUsage(pid: number) {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssKb, cpuSeconds: ticks / 100 };
}

/** Posts `total` messages at `rate` per second, several in flight at once. */
async function send(setup: Setup, rate: number, total: number) {
  const started = clock();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  const durations: number[] = [];
  for (let seq = 0; seq < total; seq++) {
    const due = started + (seq * 1000) / rate;
    const wait = due - clock();
    if (wait > 1) await sleep(wait);
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const t = clock();
    const p = fetch(`${setup.url}/api/chat/conversations/${setup.conversationId}/messages/`, {
      method: "POST",
      headers: { authorization: `Bearer ${setup.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ content: `seq:${seq}:${t.toFixed(3)}` }),
    }).then(async (r) => {
      if (r.status !== 201) failures++;
      durations.push(clock() - t);
      await r.body?.cancel();
    }).catch(() => void failures++).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { failures, seconds: (clock() - started) / 1000, post: percentiles(durations) };
}

async function collect(setup: Setup) {
  const all: number[] = [];
  const commit: number[] = [];
  let received = 0;
  let connected = 0;
  for (const c of setup.clients) {
    await c.stdin.write(new TextEncoder().encode("stop\n"));
    const { value } = await c.lines.read();
    const result = JSON.parse(value!);
    received += result.received;
    connected += result.connected;
    for (const l of result.latencies) all.push(l);
    for (const l of result.fromCommit) commit.push(l);
  }
  return { connected, received, ...percentiles(all), fromCommit: percentiles(commit) };
}

function percentiles(values: number[]) {
  values.sort((a, b) => a - b);
  const at = (p: number) =>
    values.length ? Number(values[Math.min(values.length - 1, Math.floor(p * values.length))].toFixed(2)) : null;
  return { p50: at(0.5), p99: at(0.99), max: values.length ? Number(values.at(-1)!.toFixed(2)) : null };
}

async function scenario(name: string, clients: number, rate: number, seconds: number, run: number) {
  if (only && !name.includes(only)) return { lost: 0, latency_ms: { p99: 0 } };
  const setup = await setUp(clients);
  const pid = setup.server.pid;
  await sleep(300);
  const before = serverUsage(pid);
  const total = Math.max(1, Math.round(rate * seconds));
  const sent = await send(setup, rate, total);
  await sleep(1000);
  const after = serverUsage(pid);
  const result = await collect(setup);
  await tearDown(setup);
  const line = {
    scenario: name,
    run,
    clients,
    rate_per_s: rate,
    messages: total,
    post_failures: sent.failures,
    expected: total * clients,
    delivered: result.received,
    lost: total * clients - result.received,
    latency_ms: { p50: result.p50, p99: result.p99, max: result.max },
    commit_to_receipt_ms: result.fromCommit,
    post_response_ms: sent.post,
    server_rss_mb: Number((after.rssKb / 1024).toFixed(1)),
    server_cpu_percent: Number(
      (100 * (after.cpuSeconds - before.cpuSeconds) / Math.max(0.001, sent.seconds + 1)).toFixed(1),
    ),
  };
  console.log(JSON.stringify(line));
  return line;
}

async function idleAndBroadcast(run: number) {
  if (only && !"10k".includes(only)) return;
  const clients = 10_000;
  const baseline = await setUp(0);
  await sleep(300);
  const emptyRss = serverUsage(baseline.server.pid).rssKb;
  await tearDown(baseline);
  const setup = await setUp(clients);
  await sleep(2000);
  const held = serverUsage(setup.server.pid).rssKb;
  console.log(JSON.stringify({
    scenario: "10k idle streams",
    run,
    clients,
    server_rss_mb: Number((held / 1024).toFixed(1)),
    baseline_rss_mb: Number((emptyRss / 1024).toFixed(1)),
    kb_per_stream: Number(((held - emptyRss) / clients).toFixed(1)),
  }));
  const sent = await send(setup, 1, 1);
  await sleep(1000);
  const result = await collect(setup);
  await tearDown(setup);
  console.log(JSON.stringify({
    scenario: "1 message to 10k streams",
    run,
    clients,
    post_failures: sent.failures,
    expected: clients,
    delivered: result.received,
    lost: clients - result.received,
    latency_ms: { p50: result.p50, p99: result.p99, max: result.max },
    commit_to_receipt_ms: result.fromCommit,
  }));
}

const seconds = quick ? 5 : 20;
for (const run of runs) {
  await scenario("100 clients, 20 msg/s", 100, 20, seconds, run);
  await scenario("1000 clients, 10 msg/s", 1000, 10, seconds, run);
  for (const rate of [500, 1000, 2000]) {
    const r = await scenario(`100 clients, ${rate} msg/s`, 100, rate, quick ? 2 : 5, run);
    if (r.lost > 0 || (r.latency_ms.p99 ?? Infinity) >= 100) break;
  }
  await idleAndBroadcast(run);
}
