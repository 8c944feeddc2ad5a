/**
 * Fan-out benchmark: starts the server as a subprocess on a fresh database, opens N real
 * SSE clients on loopback (in 1-2 client subprocesses), posts at rate R through the HTTP
 * API from this process and prints one JSON line per scenario run: latency from POST start
 * to receipt (p50/p99/max), delivered vs expected, duplicates and reconnects, the server's
 * own fan-out histogram, server RSS and CPU, and the client processes' CPU. Each scenario
 * is measured on a warmed-up server (see `warmUp`); a step of the rate sweep counts only if
 * the sender achieved at least 95% of its rate.
 *
 *   deno task bench:fanout              every scenario, twice
 *   deno task bench:fanout quick        shorter runs
 *   deno task bench:fanout --only=1000  scenarios whose name contains "1000", once
 *   FANOUT_SERVER_FLAGS=--cpu-prof      extra flags for the server's `deno run`
 *   FANOUT_RATES=500,1000               the rates of the highest-rate sweep (default 100 … 2000)
 *   FANOUT_CLIENTS=1                    clients in that sweep (default 100; 1 measures the send path alone)
 *   FANOUT_CLIENT_PROCESSES=2           client processes (default 1, and 2 above 2,000 clients)
 *   FANOUT_CLIENT=deno                  the load generator on Deno (default: the one in C,
 *                                       bench/fanout_client.c, built with cc, if there is a cc)
 *   FANOUT_KEEP=1                       keep each run's directory (latency samples in arrival order)
 *   FANOUT_SERVER=bench/fanout_floor_node.ts   another server entry point (the floors)
 *   FANOUT_SERVER_CMD, FANOUT_CLIENT_CMD       whole commands instead, e.g. the floor and the
 *                                       client on Node.js: `deno bundle --platform=node -o
 *                                       /tmp/floor.mjs bench/fanout_floor_node.ts`, then
 *                                       FANOUT_SERVER_CMD="node --expose-gc /tmp/floor.mjs"
 */
import {
  type ClientProcess,
  fanoutMetrics,
  loadGenerator,
  loopLag,
  machineTicks,
  memoryAfterGc,
  percentiles,
  settle,
  type Setup,
  setUp,
  sleep,
  stallsBetween,
  tearDown,
  usage,
} from "./fanout_setup.ts";
import { Sender } from "./fanout_sender.ts";

const quick = Deno.args.includes("quick");
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);
const runs = only ? [1] : [1, 2];
const clock = () => performance.timeOrigin + performance.now();

/**
 * Posts `total` messages at `rate` per second, several in flight at once.
 * @param marker `seq` for measured messages; anything else is not counted by the clients
 */
async function send(setup: Setup, rate: number, total: number, marker = "seq") {
  const sender = new Sender(new URL(setup.url), setup.adminToken);
  await sender.warm(4);
  const path = `/api/chat/conversations/${setup.conversationId}/messages/`;
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
    const p = sender.post(path, { content: `${marker}:${seq}:${t.toFixed(3)}` }).then((status) => {
      if (status !== 201) {
        failures++;
        console.error(`a send answered ${status}`);
      }
      durations.push(clock() - t);
    }).catch((e) => {
      failures++;
      console.error(`a send failed: ${e}`);
    }).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  sender.close();
  return { failures, seconds: (clock() - started) / 1000, post: percentiles(durations) };
}

/**
 * Brings the server and the clients to their steady state before measuring: the first
 * thousand requests of a fresh process run in V8's interpreter and baseline compiler, and
 * at high rates the backlog they build up would be counted against the first second.
 * These messages are delivered like any other but not counted.
 * @param setup the running processes
 * @param clients how many streams receive each message
 */
async function warmUp(setup: Setup, clients: number) {
  const total = Math.max(20, Math.min(2_000, Math.round(200_000 / Math.max(1, clients))));
  await send(setup, 500, total, "warm");
  await settle(setup);
}

async function readFloats(path: string): Promise<Float64Array> {
  const bytes = await Deno.readFile(path);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

async function collect(clients: ClientProcess[]) {
  const latencies: Float64Array[] = [];
  const commits: Float64Array[] = [];
  const totals = { connected: 0, failed: 0, received: 0, duplicates: 0, reconnects: 0, bytes: 0 };
  for (const c of clients) {
    await c.stdin.write(new TextEncoder().encode("stop\n"));
    const { value } = await c.lines.read();
    const result = JSON.parse(value!);
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
    latencies.push(await readFloats(c.out));
    commits.push(await readFloats(`${c.out}.commit`));
  }
  const join = (parts: Float64Array[]) => {
    const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) all.set(p, at), at += p.length;
    return all;
  };
  return { ...totals, latency: percentiles(join(latencies)), fromCommit: percentiles(join(commits)) };
}

function cpuPercent(before: number, after: number, seconds: number) {
  return Number((100 * (after - before) / Math.max(0.001, seconds)).toFixed(1));
}

async function scenario(name: string, clients: number, rate: number, seconds: number, run: number) {
  if (only && !name.includes(only)) return null;
  const setup = await setUp(clients);
  const settled = await settle(setup);
  await warmUp(setup, clients);
  const pids = [setup.server.pid, ...setup.clients.map((c) => c.child.pid)];
  const before = pids.map(usage);
  const machineBefore = machineTicks();
  const lagBefore = await loopLag(setup.url);
  const t0 = clock();
  const total = Math.max(1, Math.round(rate * seconds));
  const sent = await send(setup, rate, total);
  await sleep(1000);
  const elapsed = (clock() - t0) / 1000;
  const after = pids.map(usage);
  const machineAfter = machineTicks();
  const fanout = await fanoutMetrics(setup.url);
  const stalls = stallsBetween(lagBefore, await loopLag(setup.url));
  const serverCpu = cpuPercent(before[0].cpuSeconds, after[0].cpuSeconds, elapsed);
  const result = await collect(setup.clients);
  await tearDown(setup);
  const line = {
    scenario: name,
    run,
    clients,
    settle_ms: settled.ms,
    settle_mb_received: Number((settled.bytes / 1e6).toFixed(1)),
    rate_per_s: rate,
    messages: total,
    send_seconds: Number(sent.seconds.toFixed(2)),
    // what the sender managed: below the rate asked for, the server did not keep up
    achieved_rate_per_s: Math.round(total / sent.seconds),
    post_failures: sent.failures,
    expected: total * clients,
    delivered: result.received,
    lost: total * clients - result.received,
    duplicates: result.duplicates,
    reconnects: result.reconnects,
    client_mb_received: Number((result.bytes / 1e6).toFixed(1)),
    latency_ms: result.latency,
    commit_to_receipt_ms: result.fromCommit,
    post_response_ms: sent.post,
    server_fanout: fanout,
    // the server's own event-loop stalls while measuring (from its lag histogram), so a bad
    // tail can be told apart from a busy machine
    server_loop_stalls: stalls,
    server_rss_mb: Number((after[0].rssKb / 1024).toFixed(1)),
    server_cpu_percent: serverCpu,
    server_cpu_ms_per_message: Number((10 * serverCpu / rate).toFixed(2)),
    client_cpu_percent: after.slice(1).map((a, i) => cpuPercent(before[i + 1].cpuSeconds, a.cpuSeconds, elapsed)),
    // CPU time the hypervisor gave to other guests: a noisy neighbour shows here
    machine_steal_percent: Number(
      (100 * (machineAfter.steal - machineBefore.steal) / Math.max(1, machineAfter.total - machineBefore.total))
        .toFixed(1),
    ),
  };
  console.log(JSON.stringify({ ...line, load_generator: await loadGenerator() }));
  return line;
}

async function idleAndBroadcast(run: number) {
  if (only && !"10k".includes(only)) return;
  const clients = 10_000;
  const baseline = await setUp(0);
  await sleep(300);
  const empty = await memoryAfterGc(baseline);
  await tearDown(baseline);
  const setup = await setUp(clients);
  const settled = await settle(setup);
  const rawRssKb = usage(setup.server.pid).rssKb;
  const held = await memoryAfterGc(setup);
  const perStream = (kb: number) => Number((kb / clients).toFixed(1));
  console.log(JSON.stringify({
    scenario: "10k idle streams",
    run,
    clients,
    settle_ms: settled.ms,
    settle_mb_received: Number((settled.bytes / 1e6).toFixed(1)),
    server_rss_mb: Number((held.rssKb / 1024).toFixed(1)),
    baseline_rss_mb: Number((empty.rssKb / 1024).toFixed(1)),
    kb_per_stream: perStream(held.rssKb - empty.rssKb),
    kb_per_stream_before_gc: perStream(rawRssKb - empty.rssKb),
    js_heap_kb_per_stream: perStream(held.heapUsedKb - empty.heapUsedKb),
    js_heap_committed_kb_per_stream: perStream(held.heapTotalKb - empty.heapTotalKb),
    load_generator: await loadGenerator(),
  }));
  await warmUp(setup, clients);
  const sent = await send(setup, 1, 1);
  await sleep(1000);
  const fanout = await fanoutMetrics(setup.url);
  const result = await collect(setup.clients);
  await tearDown(setup);
  console.log(JSON.stringify({
    scenario: "1 message to 10k streams",
    run,
    clients,
    post_failures: sent.failures,
    expected: clients,
    delivered: result.received,
    lost: clients - result.received,
    duplicates: result.duplicates,
    latency_ms: result.latency,
    commit_to_receipt_ms: result.fromCommit,
    post_response_ms: sent.post,
    server_fanout: fanout,
    load_generator: await loadGenerator(),
  }));
}

const seconds = quick ? 5 : 20;
for (const run of runs) {
  await scenario("100 clients, 20 msg/s", 100, 20, seconds, run);
  await scenario("1000 clients, 10 msg/s", 1000, 10, seconds, run);
  for (const rate of (Deno.env.get("FANOUT_RATES") ?? "100,150,200,300,500,1000,1500,2000").split(",").map(Number)) {
    const n = Number(Deno.env.get("FANOUT_CLIENTS") ?? 100);
    const r = await scenario(`${n} clients, ${rate} msg/s`, n, rate, quick ? 2 : 4, run);
    if (!r || r.lost > 0 || (r.latency_ms.p99 ?? Infinity) >= 100 || r.achieved_rate_per_s < rate * 0.95) break;
  }
  await idleAndBroadcast(run);
}
