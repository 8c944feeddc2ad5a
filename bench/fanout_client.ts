/**
 * Load-generator side of `bench/fanout.ts`: holds many SSE connections in one process and
 * notes when each `seq:N:T` message arrives (T is the sender's clock when it started the
 * POST). Frames are never JSON-parsed: the marker is found with indexOf in the decoded
 * chunk, so a thousand streams cost little CPU here. A dropped stream reconnects with
 * `Last-Event-ID`, like a browser; losses and duplicates are counted per sequence number.
 *
 *   fanout_client.ts <url> <tokens.json> <out.bin>
 *
 * Prints `ready` once every stream got `connected`; answers `bytes` with the bytes read so
 * far (to see when the presence announcements of a connection storm have settled); on `stop` writes the
 * latencies (Float64Array, ms) to out.bin and prints its counters as one JSON line.
 */

const [url, tokensFile, outFile] = Deno.args;
const tokens: string[] = JSON.parse(await Deno.readTextFile(tokensFile));
const clock = () => performance.timeOrigin + performance.now();

let latencies = new Float64Array(1 << 16);
let samples = 0;
/** From the message's commit timestamp (`created_at`, millisecond resolution) to receipt. */
let fromCommit = new Float64Array(1 << 16);
let commitSamples = 0;
let received = 0;
let duplicates = 0;
let connected = 0;
let failed = 0;
let reconnects = 0;
let bytes = 0;
let maxSeq = -1;

function note(store: "latency" | "commit", value: number) {
  if (store === "latency") {
    if (samples === latencies.length) latencies = grow(latencies);
    latencies[samples++] = value;
  } else {
    if (commitSamples === fromCommit.length) fromCommit = grow(fromCommit);
    fromCommit[commitSamples++] = value;
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

const MARK = "seq:";
const CREATED = '"created_at":"';

/** HTTP/1.1 chunked transfer decoding, fed whatever TCP hands over. */
class Dechunker {
  #remaining = 0;
  #skip = 0;
  #line = "";
  done = false;

  feed(buf: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < buf.length && !this.done) {
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, buf.length - i);
        out.push(buf.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#skip = 2;
      } else if (this.#skip > 0) {
        i++;
        this.#skip--;
      } else {
        const b = buf[i++];
        if (b === 10) {
          this.#remaining = parseInt(this.#line, 16);
          this.#line = "";
          if (this.#remaining === 0) this.done = true;
        } else if (b !== 13) this.#line += String.fromCharCode(b);
      }
    }
    return out;
  }
}

const target = new URL(url);
const encoder = new TextEncoder();

/**
 * One stream over a raw TCP connection (fetch costs several times more CPU per chunk,
 * which would make the load generator the bottleneck).
 */
async function hold(token: string) {
  let lastEventId = "";
  let everConnected = false;
  let bitmap = new Uint8Array(64);
  const buf = new Uint8Array(256 * 1024);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    if (stopping) return;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
    } catch {
      continue;
    }
    const resume = lastEventId ? `last-event-id: ${lastEventId}\r\n` : "";
    const request = `GET /api/chat/events HTTP/1.1\r\nhost: ${target.host}\r\n` +
      `authorization: Bearer ${token}\r\naccept: text/event-stream\r\n${resume}\r\n`;
    const decoder = new TextDecoder();
    const body = new Dechunker();
    let head = "";
    let inBody = false;
    let carry = "";
    try {
      await conn.write(encoder.encode(request));
      if (attempt > 0) reconnects++;
      while (!body.done) {
        const k = await conn.read(buf);
        if (k === null) break;
        const at = clock();
        bytes += k;
        let chunk = buf.subarray(0, k);
        if (!inBody) {
          head += new TextDecoder().decode(chunk);
          const endOfHead = head.indexOf("\r\n\r\n");
          if (endOfHead < 0) continue;
          if (!head.startsWith("HTTP/1.1 200")) throw new Error(head.slice(0, 40));
          inBody = true;
          chunk = encoder.encode(head.slice(endOfHead + 4));
        }
        let text = carry;
        for (const part of body.feed(chunk)) text += decoder.decode(part, { stream: true });
        const end = text.lastIndexOf("\n\n");
        if (end < 0) {
          carry = text;
          continue;
        }
        carry = text.slice(end + 2);
        if (!everConnected && text.includes("event: connected")) {
          everConnected = true;
          connected++;
        }
        const idAt = text.lastIndexOf("\nid: ", end);
        const idStart = idAt >= 0 ? idAt + 5 : text.startsWith("id: ") ? 4 : -1;
        if (idStart >= 0) lastEventId = text.slice(idStart, text.indexOf("\n", idStart));
        let from = 0;
        while (true) {
          const m = text.indexOf(MARK, from);
          if (m < 0 || m > end) break;
          const colon = text.indexOf(":", m + 4);
          const quote = text.indexOf('"', colon);
          from = quote;
          const seq = Number(text.slice(m + 4, colon));
          const sentAt = Number(text.slice(colon + 1, quote));
          if (seq >= bitmap.length) {
            const b = new Uint8Array(Math.max(seq + 1, bitmap.length * 2));
            b.set(bitmap);
            bitmap = b;
          }
          if (bitmap[seq]) {
            duplicates++;
            continue;
          }
          bitmap[seq] = 1;
          if (seq > maxSeq) maxSeq = seq;
          received++;
          note("latency", at - sentAt);
          const frameStart = text.lastIndexOf("\n\n", m);
          const frameEnd = text.indexOf("\n\n", m);
          const c = text.indexOf(CREATED, frameStart + 1);
          if (c >= 0 && c < frameEnd) note("commit", at - Date.parse(text.slice(c + 14, c + 38)));
        }
      }
    } catch (e) {
      if (!everConnected && String(e).includes("HTTP/1.1")) return void failed++;
    } finally {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
}

let stopping = false;
for (let i = 0; i < tokens.length; i += 250) {
  const target = i + Math.min(250, tokens.length - i);
  for (let k = i; k < target; k++) hold(tokens[k]).catch(() => failed++);
  while (connected + failed < target) await new Promise((r) => setTimeout(r, 5));
}
console.log("ready");

const stdin = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
while (true) {
  const { value, done } = await stdin.read();
  if (done || value.includes("stop")) break;
  if (value.includes("bytes")) console.log(JSON.stringify({ bytes }));
}
stopping = true;
await Deno.writeFile(outFile, new Uint8Array(latencies.buffer, 0, samples * 8));
await Deno.writeFile(`${outFile}.commit`, new Uint8Array(fromCommit.buffer, 0, commitSamples * 8));
console.log(JSON.stringify({ connected, failed, received, duplicates, reconnects, bytes, maxSeq }));
Deno.exit(0);
