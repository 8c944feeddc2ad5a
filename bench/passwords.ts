import { hashPassword, verifyPassword } from "../chat/accounts/passwords.ts";

/** Measures argon2id cost per hash and per verification, and how long the event loop stalls meanwhile. */
const ROUNDS = Number(Deno.args[0] ?? 40);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

// A 1 ms ticker: its worst delay is how long any other request (or SSE write) would wait.
let worstLagMs = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  worstLagMs = Math.max(worstLagMs, now - last - 1);
  last = now;
}, 1);

await new Promise((resolve) => setTimeout(resolve, 2000));
const idleLagMs = worstLagMs;
worstLagMs = 0;
await hashPassword("warm up the thread pool");
const stored = await hashPassword("correct horse battery staple");
const hashes = await timed(() => hashPassword("correct horse battery staple"));
const verifies = await timed(() => verifyPassword(stored, "correct horse battery staple"));
const sequentialLagMs = worstLagMs;
worstLagMs = 0;
const start = performance.now();
await Promise.all(Array.from({ length: 8 }, () => hashPassword("eight at once")));
const parallel8 = performance.now() - start;
clearInterval(ticker);

for (
  const [name, times] of [["argon2id_hash", hashes], ["argon2id_verify", verifies]] as const
) {
  console.log(JSON.stringify({
    bench: name,
    params: { memory_kib: 19456, time_cost: 2, parallelism: 1 },
    rounds: ROUNDS,
    median_ms: +percentile(times, 0.5).toFixed(2),
    p95_ms: +percentile(times, 0.95).toFixed(2),
  }));
}
console.log(JSON.stringify({
  bench: "argon2id_hash_8_concurrent",
  total_ms: +parallel8.toFixed(2),
  cores: navigator.hardwareConcurrency,
}));
console.log(JSON.stringify({
  bench: "event_loop_worst_lag",
  idle_ms: +idleLagMs.toFixed(2),
  during_one_hash_at_a_time_ms: +sequentialLagMs.toFixed(2),
  // with more hashes than cores, the hashing threads compete with the event loop for CPU
  during_8_concurrent_ms: +worstLagMs.toFixed(2),
}));
