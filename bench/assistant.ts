/**
 * Assistant benchmark: the fan-out scenario "100 clients, 20 msg/s" (server subprocess,
 * real SSE clients, see bench/fanout.ts) measured twice on fresh servers: alone, and while
 * 100 assistant conversations stream answers at 20 tokens/s each from a fake
 * OpenAI-compatible server in this process (bench/assistant_model.ts). Each answer belongs to
 * one of the 100 clients, whose one stream carries both the group's messages and the answer's
 * deltas, as a user's stream does; the load generator notes when each delta arrives. Prints
 * one JSON line per run and a summary:
 * message latency p99 with and without the streams (target: within 1.5x), and upstream
 * chunk sent -> delta received on a real SSE client p99, coalescing included (target: 60 ms).
 *
 *   deno task bench:assistant          20 s per run
 *   deno task bench:assistant quick    5 s per run
 */
import {
  loopLag,
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
import { startStreamingModel } from "./assistant_model.ts";

const quick = Deno.args.includes("quick");
const seconds = quick ? 5 : 20;
const CLIENTS = 100;
const RATE = 20;
const STREAMS = 100;
const TOKENS_PER_SECOND = 20;
const clock = () => performance.timeOrigin + performance.now();

// every answer is long enough to outlast the measured window
const tokenCount = (seconds + 8) * TOKENS_PER_SECOND;
/** When each chunk left the fake model, per question ("question N"). */
let chunkTimes: number[][] = [];
const fake = startStreamingModel({
  tokens: Array.from({ length: tokenCount }, (_, i) => `tok${i} `),
  tokensPerSecond: TOKENS_PER_SECOND,
  onChunk: (question, index, at) => {
    const n = /^question (\d+)$/.exec(question);
    if (n && chunkTimes[Number(n[1])]) chunkTimes[Number(n[1])][index] = at;
  },
});
await fake.listening;
Deno.env.set("AI_BASE_URL", fake.url);
Deno.env.set("AI_API_KEY", "bench-key");

async function send(setup: Setup, rate: number, total: number, marker = "seq") {
  const sender = new Sender(new URL(setup.url), setup.adminToken);
  await sender.warm(4);
  const path = `/api/chat/conversations/${setup.conversationId}/messages/`;
  const started = clock();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  for (let seq = 0; seq < total; seq++) {
    const wait = started + (seq * 1000) / rate - clock();
    if (wait > 1) await sleep(wait);
    const t = clock();
    const p = sender.post(path, { content: `${marker}:${seq}:${t.toFixed(3)}` })
      .then((status) => void (status !== 201 && failures++))
      .catch(() => void failures++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  sender.close();
  return failures;
}

async function collect(setup: Setup) {
  const latencies: number[] = [];
  const deltas: number[] = [];
  for (const c of setup.clients) {
    await c.stdin.write(new TextEncoder().encode("stop\n"));
    const result = JSON.parse((await c.lines.read()).value!);
    for (const [file, into] of [[c.out, latencies], [`${c.out}.deltas`, deltas]] as const) {
      const bytes = await Deno.readFile(file);
      for (const value of new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)) into.push(value);
    }
    if (result.duplicates) console.error(`duplicates: ${result.duplicates}`);
  }
  return { latencies, deltas };
}

/**
 * Chunk sent -> delta received, per chunk: the load generator's notes are triples (the
 * stream's index, the tokens the delta holds, its arrival), in arrival order per stream;
 * each token ends with a space, so a delta holds the chunks after those already received.
 * @param deltas the triples
 */
function receipts(deltas: number[]): number[] {
  const receipt: number[] = [];
  const received = new Map<number, number>();
  for (let i = 0; i < deltas.length; i += 3) {
    const [stream, n, at] = [deltas[i], deltas[i + 1], deltas[i + 2]];
    const sent = chunkTimes[stream] ?? [];
    const from = received.get(stream) ?? 0;
    for (let k = from; k < from + n; k++) if (sent[k]) receipt.push(at - sent[k]);
    received.set(stream, from + n);
  }
  return receipt;
}

/**
 * Starts one assistant answer for each of the first STREAMS clients: each opens an
 * assistant conversation and asks once; the answer streams to the client's open stream.
 */
async function startStreams(setup: Setup) {
  if (setup.clients.length !== 1) throw new Error("the answers' clients are expected in one load generator");
  const tokens: string[] = JSON.parse(await Deno.readTextFile(`${setup.dir}/tokens-0.json`));
  chunkTimes = tokens.map(() => []);
  await Promise.all(
    tokens.slice(0, STREAMS).map(async (token, i) => {
      const auth = { authorization: `Bearer ${token}` };
      const created = await fetch(`${setup.url}/api/chat/conversations/`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ kind: "assistant" }),
      }).then((r) => r.json());
      if (!created.id) throw new Error(`no assistant conversation: ${JSON.stringify(created)}`);
      await fetch(`${setup.url}/api/chat/conversations/${created.id}/messages/`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ content: `question ${i}` }),
      }).then((r) => r.body?.cancel());
    }),
  );
}

async function run(withStreams: boolean) {
  const setup = await setUp(CLIENTS);
  await settle(setup);
  await send(setup, 200, 400, "warm");
  await settle(setup);
  if (withStreams) {
    await startStreams(setup);
    await sleep(1000);
  }
  const before = [setup.server.pid, Deno.pid].map(usage);
  const lagBefore = await loopLag(setup.url);
  const t0 = clock();
  const failures = await send(setup, RATE, RATE * seconds);
  await sleep(1000);
  const elapsed = (clock() - t0) / 1000;
  // CPU while measuring: the server, and this process (the sender, the fake model and the answers' clients)
  const [serverCpu, benchCpu] = [setup.server.pid, Deno.pid].map((pid, i) =>
    Math.round(100 * (usage(pid).cpuSeconds - before[i].cpuSeconds) / elapsed)
  );
  const stalls = stallsBetween(lagBefore, await loopLag(setup.url));
  const { latencies, deltas } = await collect(setup);
  const receipt = withStreams ? receipts(deltas) : null;
  chunkTimes = [];
  await tearDown(setup);
  return {
    scenario: withStreams ? "100 clients, 20 msg/s + 100 assistant streams at 20 tokens/s" : "100 clients, 20 msg/s",
    messages: RATE * seconds,
    post_failures: failures,
    latency_ms: percentiles(latencies),
    chunk_to_receipt_ms: receipt ? percentiles(receipt) : null,
    chunks_measured: receipt?.length ?? 0,
    server_cpu_percent: serverCpu,
    server_loop_stalls: stalls,
    bench_process_cpu_percent: benchCpu,
    load_average: Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]),
  };
}

const alone = await run(false);
console.log(JSON.stringify(alone));
const loaded = await run(true);
console.log(JSON.stringify(loaded));
const ratio = (loaded.latency_ms.p99 ?? 0) / Math.max(0.001, alone.latency_ms.p99 ?? 0);
console.log(JSON.stringify({
  summary: "assistant streams during fan-out",
  p99_without_ms: alone.latency_ms.p99,
  p99_with_ms: loaded.latency_ms.p99,
  p99_ratio: Number(ratio.toFixed(2)),
  chunk_to_receipt_p99_ms: loaded.chunk_to_receipt_ms?.p99 ?? null,
  targets_met: ratio <= 1.5 && (loaded.chunk_to_receipt_ms?.p99 ?? Infinity) <= 60,
}));
await fake.close();
