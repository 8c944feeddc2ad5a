/**
 * The processes of `bench/fanout.ts`: a fresh database with one group of N members, the
 * server as a subprocess, and the SSE clients in 1-2 subprocesses of their own.
 */
import { openDatabase } from "../db/client.ts";
import { sessionKeysFrom } from "../chat/accounts/auth.ts";
import { createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import { uuidv7 } from "../db/ids.ts";
import { buildCTool } from "./c_tools.ts";
import { conversations, participants, users } from "../db/schema/mod.ts";
import type { User } from "../db/schema/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "bench-secret-bench-secret-bench-secret!!";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClientProcess {
  child: Deno.ChildProcess;
  lines: ReadableStreamDefaultReader<string>;
  stdin: WritableStreamDefaultWriter<Uint8Array>;
  out: string;
}

export interface Setup {
  dir: string;
  url: string;
  server: Deno.ChildProcess;
  adminToken: string;
  conversationId: string;
  clients: ClientProcess[];
  /** How many streams the clients hold. */
  clientCount: number;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function lineReader(stream: ReadableStream<BufferSource>): ReadableStreamDefaultReader<string> {
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
  await database.close();
  return { tokens, adminToken, conversationId };
}

/** `FANOUT_KEEP=1` keeps each scenario's directory (the clients' latency samples, in arrival order). */
const keepSamples = Deno.env.get("FANOUT_KEEP") === "1";
/** Extra server flags, e.g. `--cpu-prof`, from `FANOUT_SERVER_FLAGS`. */
const serverFlags = Deno.env.get("FANOUT_SERVER_FLAGS") ?? "";
/** The server's entry point: `bench/fanout_floor.ts` measures Deno's own floor. */
const serverEntry = Deno.env.get("FANOUT_SERVER") ?? "bench/fanout_server.ts";
/** How the server starts; `FANOUT_SERVER_CMD` replaces the whole command (e.g. a floor on Node.js). */
const serverCommand = (deno: string) =>
  Deno.env.get("FANOUT_SERVER_CMD") ?? `"${deno}" run -A --v8-flags=--expose-gc ${serverFlags} ${serverEntry}`;
/**
 * Which load generator runs the clients: by default the one in C (`bench/fanout_client.c`,
 * built with the system's `cc` into `.tools/`), whose reads cost the cores it shares with the
 * server a few microseconds each against 10-30 for a JavaScript client, so the numbers are
 * the server's; where no C compiler is found, `bench/fanout_client.ts` on Deno (the same
 * protocol and output). `FANOUT_CLIENT=deno` or `=c` picks one, `FANOUT_CLIENT_CMD` replaces
 * the command outright.
 */
export function loadGenerator(): Promise<"c" | "deno" | "custom"> {
  return chosen ??= choose();
}

let chosen: Promise<"c" | "deno" | "custom"> | null = null;

async function choose(): Promise<"c" | "deno" | "custom"> {
  if (Deno.env.get("FANOUT_CLIENT_CMD")) return "custom";
  const wanted = Deno.env.get("FANOUT_CLIENT");
  if (wanted === "deno") return "deno";
  try {
    await buildCClient();
    return "c";
  } catch (e) {
    if (wanted === "c") throw e;
    console.error(`bench: no C load generator (${e instanceof Error ? e.message : e}); using bench/fanout_client.ts`);
    return "deno";
  }
}

/** How a client process starts (see `loadGenerator`). */
async function clientCommand(deno: string): Promise<string> {
  const kind = await loadGenerator();
  if (kind === "custom") return Deno.env.get("FANOUT_CLIENT_CMD")!;
  return kind === "c" ? C_CLIENT : `"${deno}" run -A bench/fanout_client.ts`;
}

const C_CLIENT = `${ROOT}.tools/fanout_client`;

async function buildCClient(): Promise<void> {
  await buildCTool("fanout_client");
}

/**
 * Seeds a group of `clientCount` members plus the sender, starts the server and connects
 * every member's stream.
 * @param clientCount how many SSE clients
 */
export async function setUp(clientCount: number): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-" });
  const dbUrl = `file:${dir}/bench.db`;
  const { tokens, adminToken, conversationId } = await seed(dbUrl, clientCount);
  const port = freePort();
  const deno = Deno.execPath();
  const server = new Deno.Command("bash", {
    // the server's stdout (e.g. V8's --trace-gc) joins its stderr: stdout is the benchmark's JSON
    args: ["-c", `ulimit -n $(ulimit -Hn); exec ${serverCommand(deno)} >&2`],
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
    stderr: serverFlags ? "inherit" : "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.body?.cancel().then(() => r.ok)).catch(() => false);
    if (ok) break;
    await sleep(50);
  }
  const processes = Number(Deno.env.get("FANOUT_CLIENT_PROCESSES") ?? (clientCount > 2000 ? 2 : 1));
  const clients: ClientProcess[] = [];
  for (let p = 0; p < processes; p++) {
    const slice = tokens.filter((_, i) => i % processes === p);
    const file = `${dir}/tokens-${p}.json`;
    const out = `${dir}/latencies-${p}.bin`;
    await Deno.writeTextFile(file, JSON.stringify(slice));
    const child = new Deno.Command("bash", {
      args: ["-c", `ulimit -n $(ulimit -Hn); exec ${await clientCommand(deno)} ${url} ${file} ${out}`],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    clients.push({ child, lines: lineReader(child.stdout), stdin: child.stdin.getWriter(), out });
  }
  for (const c of clients) await c.lines.read();
  return { dir, url, server, adminToken, conversationId, clients, clientCount };
}

/**
 * Waits until the clients stop receiving bytes for a while: N users coming online at once
 * make every stream receive N presence events (batched per second), which must not be
 * mistaken for message latency.
 * @param setup the running processes
 */
export async function settle(setup: Setup): Promise<{ ms: number; bytes: number }> {
  const started = Date.now();
  let last = -1;
  while (Date.now() - started < 20_000) {
    let total = 0;
    for (const c of setup.clients) {
      await c.stdin.write(new TextEncoder().encode("bytes\n"));
      total += JSON.parse((await c.lines.read()).value!).bytes;
    }
    // heartbeats keep trickling in (a twentieth of the streams a second, a few bytes each)
    if (last >= 0 && total - last <= setup.clientCount * 16) break;
    last = total;
    await sleep(1500);
  }
  return { ms: Date.now() - started, bytes: last };
}

/** Stops the clients and the server (SIGTERM, so a CPU profile gets written) and removes the files. */
export async function tearDown(setup: Setup): Promise<void> {
  for (const c of setup.clients) {
    try {
      c.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await c.child.status;
  }
  setup.server.kill("SIGTERM");
  await setup.server.status;
  if (keepSamples) {
    console.error(`samples kept in ${setup.dir}`);
    return;
  }
  await Deno.remove(setup.dir, { recursive: true });
}

/**
 * A process's resident memory and CPU time so far.
 * @param pid the process
 */
export function usage(pid: number): { rssKb: number; cpuSeconds: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssKb, cpuSeconds: ticks / 100 };
}

/**
 * p50/p99/max of some values (sorted in place).
 * @param values milliseconds
 */
export function percentiles(values: Float64Array | number[]) {
  values.sort((a, b) => a - b);
  const at = (p: number) =>
    values.length ? Number(values[Math.min(values.length - 1, Math.floor(p * values.length))].toFixed(2)) : null;
  return { p50: at(0.5), p99: at(0.99), max: values.length ? Number(values.at(-1)!.toFixed(2)) : null };
}

/** A histogram's cumulative bucket counts in a /metrics text, by upper bound in ms. */
function buckets(text: string, name: string): { le: number; n: number }[] {
  return [...text.matchAll(new RegExp(`${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "g"))]
    .map(([, le, n]) => ({ le: le === "+Inf" ? Infinity : Number(le) * 1000, n: Number(n) }));
}

// the server inherits this environment: with METRICS_TOKEN set, /metrics wants it
const metricsToken = Deno.env.get("METRICS_TOKEN");
const scrape = (url: string) =>
  fetch(`${url}/metrics`, { headers: metricsToken ? { authorization: `Bearer ${metricsToken}` } : {} })
    .then((r) => r.text()).catch(() => "");

/**
 * The server's own fan-out histogram from /metrics (commit → frame handed to every
 * stream), summarised as the bucket bounds holding p50 and p99.
 * @param url the server
 */
export async function fanoutMetrics(url: string) {
  const text = await scrape(url);
  const fanout = buckets(text, "parley_fanout_latency_seconds");
  const count = Number(/parley_fanout_latency_seconds_count (\d+)/.exec(text)?.[1] ?? 0);
  const sum = Number(/parley_fanout_latency_seconds_sum ([\d.e+-]+)/.exec(text)?.[1] ?? 0) * 1000;
  const dropped = Number(/parley_slow_subscribers_dropped_total (\d+)/.exec(text)?.[1] ?? 0);
  const bound = (p: number) => fanout.find((b) => b.n >= p * count)?.le ?? null;
  return {
    events: count,
    mean_ms: count ? Number((sum / count).toFixed(2)) : null,
    p50_le_ms: bound(0.5),
    p99_le_ms: bound(0.99),
    slow_dropped: dropped,
  };
}

/** The server's event-loop lag histogram so far: cumulative counts by upper bound (ms). */
export async function loopLag(url: string): Promise<{ le: number; n: number }[]> {
  return buckets(await scrape(url), "parley_event_loop_lag_seconds");
}

/**
 * The stalls between two readings of `loopLag`: how many samples came over 50 ms late,
 * and the bucket bound of the worst (null: none over 1 ms; floors expose no histogram).
 */
export function stallsBetween(before: { le: number; n: number }[], after: { le: number; n: number }[]) {
  if (after.length === 0) return null;
  const grew = after.map((b, i) => ({ le: b.le, n: b.n - (before[i]?.n ?? 0) }));
  const total = grew.at(-1)!.n;
  const within = (ms: number) => grew.find((b) => b.le === ms)?.n ?? total;
  const worst = grew.find((b) => b.n === total)?.le ?? null;
  return { samples: total, over_50ms: total - within(50), worst_le_ms: worst === 1 ? null : worst };
}

/**
 * Forces a garbage collection in the server and reads its memory afterwards.
 * @param setup the running processes
 */
export async function memoryAfterGc(
  setup: Setup,
): Promise<{ rssKb: number; heapUsedKb: number; heapTotalKb: number }> {
  const usage = await fetch(`${setup.url}/__gc`).then((r) => r.json());
  const kb = (n: number) => Math.round(n / 1024);
  return { rssKb: kb(usage.rss), heapUsedKb: kb(usage.heapUsed), heapTotalKb: kb(usage.heapTotal) };
}

/** The machine's CPU counters so far (all cores, in ticks): total and stolen by the hypervisor. */
export function machineTicks(): { total: number; steal: number } {
  const fields = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
}
