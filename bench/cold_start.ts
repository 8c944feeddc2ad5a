/**
 * Cold start benchmark: the time from starting a server process to its first `GET /healthz`
 * answer, on a database that already exists and is migrated (a restart, the case that
 * matters for deploys and crash recovery). Prints one JSON line per run and a summary line.
 * Beside the wall-clock time it reports the CPU time the server process used until then
 * (user + system, from /proc), which a busy machine disturbs less.
 *
 *   deno task bench:cold_start            10 runs of main.ts
 *   deno task bench:cold_start 20         20 runs
 *   COLD_START_ENTRY=edge.ts              `deno serve` of the edge entry instead
 */
import { openDatabase } from "../db/client.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const RUNS = Number(Deno.args[0] ?? 10);
const ENTRY = Deno.env.get("COLD_START_ENTRY") ?? "main.ts";
const FLAGS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run",
];

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** User and system CPU time a process has used, in ms (clock ticks of 10 ms, as Linux counts them). */
function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Polls until the server answers, returning the milliseconds since `start`. */
async function firstHealthz(port: number, start: number, child: Deno.ChildProcess): Promise<number> {
  let exited = false;
  child.status.then(() => exited = true);
  while (!exited) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      if (res.ok) return performance.now() - start;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`${ENTRY} exited before answering /healthz`);
}

const dir = await Deno.makeTempDir({ prefix: "parley-cold-start-" });
try {
  const databaseUrl = `file:${dir}/parley.db`;
  // an existing, migrated database, as after any earlier start
  await (await openDatabase(databaseUrl)).close();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const port = freePort();
    const args = ENTRY === "edge.ts"
      ? ["serve", ...FLAGS, "--port", String(port), "--host", "127.0.0.1", ENTRY]
      : ["run", ...FLAGS, ENTRY];
    const start = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      env: {
        DATABASE_URL: databaseUrl,
        ATTACHMENTS: `fs:${dir}/attachments`,
        PORT: String(port),
        HOST: "127.0.0.1",
        SESSION_SECRET: "bench-secret-bench-secret-bench-secret!!",
      },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const ms = await firstHealthz(port, start, child);
    const cpu = cpuMs(child.pid);
    child.kill("SIGTERM");
    await child.status;
    times.push(ms);
    cpuTimes.push(cpu);
    console.log(JSON.stringify({ bench: "cold_start", entry: ENTRY, run, ms: Number(ms.toFixed(1)), cpu_ms: cpu }));
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    bench: "cold_start",
    entry: ENTRY,
    runs: RUNS,
    min_ms: Number(times[0].toFixed(1)),
    median_ms: Number(percentile(times, 0.5).toFixed(1)),
    p90_ms: Number(percentile(times, 0.9).toFixed(1)),
    median_cpu_ms: percentile(cpuTimes.sort((a, b) => a - b), 0.5),
  }));
} finally {
  await Deno.remove(dir, { recursive: true });
}
