/**
 * Load-generator side of `bench/fanout.ts`: holds many SSE connections in one process with
 * raw fetch readers and measures when each `seq:N:T` message arrives (T is the sender's
 * clock when it started the POST). Reads the connection list from a JSON file given as
 * argument, prints `ready` once every stream got `connected`, and on `stop` from stdin
 * prints its measurements as one JSON line.
 */

const [url, tokensFile] = Deno.args;
const tokens: string[] = JSON.parse(await Deno.readTextFile(tokensFile));
const latencies: number[] = [];
/** From the message's commit timestamp (`created_at`, millisecond resolution) to receipt. */
const fromCommit: number[] = [];
let received = 0;
let connected = 0;
let failed = 0;
const PATTERN = /"content":"seq:(\d+):([\d.]+)"/;
const CREATED = /"created_at":"([^"]+)"/;
const clock = () => performance.timeOrigin + performance.now();

async function hold(token: string) {
  const response = await fetch(`${url}/api/chat/events`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) {
    failed++;
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let isConnected = false;
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = clock();
    buffer += decoder.decode(value, { stream: true });
    const frames = buffer.split("\n\n");
    buffer = frames.pop()!;
    for (const frame of frames) {
      if (!isConnected && frame.includes("event: connected")) {
        isConnected = true;
        connected++;
        continue;
      }
      const match = PATTERN.exec(frame);
      if (match) {
        received++;
        latencies.push(at - Number(match[2]));
        const created = CREATED.exec(frame);
        if (created) fromCommit.push(at - Date.parse(created[1]));
      }
    }
  }
}

for (let i = 0; i < tokens.length; i += 250) {
  const batch = tokens.slice(i, i + 250).map((t) => hold(t).catch(() => failed++));
  void batch;
  const target = i + Math.min(250, tokens.length - i);
  while (connected + failed < target) await new Promise((r) => setTimeout(r, 5));
}
console.log("ready");

const stdin = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
while (true) {
  const { value, done } = await stdin.read();
  if (done || value.includes("stop")) break;
  if (value.includes("reset")) {
    latencies.length = 0;
    received = 0;
  }
}
console.log(JSON.stringify({ connected, failed, received, latencies, fromCommit }));
Deno.exit(0);
