/**
 * Load-generator side of `bench/fanout.ts`: holds many SSE connections in one process and
 * notes when each `seq:N:T` message arrives (T is the sender's clock when it started the
 * POST). Frames are never JSON-parsed or dechunked: the marker is found with indexOf in the
 * latin1 text of each read, so ten thousand streams cost little CPU here. A dropped stream reconnects with
 * `Last-Event-ID`, like a browser; losses and duplicates are counted per sequence number.
 * For `bench/assistant.ts` it also notes each `message_delta`: the stream's index, how many
 * tokens (spaces) its text holds, and when it arrived, as triples in <out.bin>.deltas.
 *
 *   fanout_client.ts <url> <tokens.json> <out.bin>
 *
 * Prints `ready` once every stream got `connected`; answers `bytes` with the bytes read so
 * far (to see when the presence announcements of a connection storm have settled); on `stop` writes the
 * latencies (Float64Array, ms) to out.bin and prints its counters as one JSON line.
 *
 * It uses only Node's APIs, so the same client also runs on Node.js once its types are
 * stripped (`deno bundle --platform=node`), to tell the runtime's cost from the machine's.
 */

import net from "node:net";
import type { Buffer } from "node:buffer";
import fs from "node:fs";
import process from "node:process";
import readline from "node:readline";

const [url, tokensFile, outFile] = process.argv.slice(2);
const tokens: string[] = JSON.parse(fs.readFileSync(tokensFile, "utf8"));
const clock = () => performance.timeOrigin + performance.now();

let latencies = new Float64Array(1 << 16);
let samples = 0;
/** From the message's commit timestamp (`created_at`, millisecond resolution) to receipt. */
let fromCommit = new Float64Array(1 << 16);
let commitSamples = 0;
/** Per `message_delta`: the stream's index, its tokens, its arrival. */
let deltas = new Float64Array(1 << 16);
let deltaValues = 0;
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
const DELTA = "event: message_delta\n";
const DELTA_TEXT = '"delta":"';
const CREATED = '"created_at":"';

const target = new URL(url);

/**
 * What one connection's bytes say: the response head, then chunked SSE frames, scanned for
 * `seq:` markers. Fed whatever TCP hands over. The bytes are read as latin1 (one byte per
 * character, the cheapest string a runtime makes): every marker looked for is ASCII, and
 * UTF-8 sequences consist of bytes above 0x7f, so they cannot fake one. The chunked framing
 * stays in the text: the server writes whole frames per chunk, so a size line never falls
 * inside a frame, and the `\r\n` before each size line keeps `\nid: ` findable.
 */
class StreamReader {
  #head = "";
  #inBody = false;
  #carry = "";
  done = false;

  constructor(readonly stream: Stream) {}

  /** Takes the bytes of one read; throws when the response is not a 200 stream. */
  feed(data: Buffer, at: number) {
    bytes += data.byteLength;
    let text: string;
    if (!this.#inBody) {
      this.#head += data.toString("latin1");
      const endOfHead = this.#head.indexOf("\r\n\r\n");
      if (endOfHead < 0) return;
      if (!this.#head.startsWith("HTTP/1.1 200")) throw new Error(this.#head.slice(0, 40));
      this.#inBody = true;
      text = this.#head.slice(endOfHead + 4);
      this.#head = "";
    } else text = this.#carry + data.toString("latin1");
    // the last chunk: size 0, after the previous chunk's CRLF
    this.done = text.endsWith("\r\n0\r\n\r\n") || text === "0\r\n\r\n";
    const end = text.lastIndexOf("\n\n");
    if (end < 0) {
      this.#carry = text;
      return;
    }
    this.#carry = text.slice(end + 2);
    const stream = this.stream;
    if (!stream.everConnected && text.includes("event: connected")) {
      stream.everConnected = true;
      connected++;
    }
    const idAt = text.lastIndexOf("\nid: ", end);
    if (idAt >= 0) stream.lastEventId = text.slice(idAt + 5, text.indexOf("\n", idAt + 5));
    for (let d = text.indexOf(DELTA); d >= 0 && d < end; d = text.indexOf(DELTA, d + 1)) {
      const start = text.indexOf(DELTA_TEXT, d) + DELTA_TEXT.length;
      const stop = text.indexOf('"', start);
      let tokens = 0;
      for (let i = text.indexOf(" ", start); i >= 0 && i < stop; i = text.indexOf(" ", i + 1)) tokens++;
      if (deltaValues + 3 > deltas.length) deltas = grow(deltas);
      deltas.set([stream.index, tokens, at], deltaValues);
      deltaValues += 3;
    }
    let from = 0;
    while (true) {
      const m = text.indexOf(MARK, from);
      if (m < 0 || m > end) break;
      const colon = text.indexOf(":", m + 4);
      const quote = text.indexOf('"', colon);
      from = quote;
      const seq = Number(text.slice(m + 4, colon));
      const sentAt = Number(text.slice(colon + 1, quote));
      if (seq >= stream.bitmap.length) {
        const b = new Uint8Array(Math.max(seq + 1, stream.bitmap.length * 2));
        b.set(stream.bitmap);
        stream.bitmap = b;
      }
      if (stream.bitmap[seq]) {
        duplicates++;
        continue;
      }
      stream.bitmap[seq] = 1;
      if (seq > maxSeq) maxSeq = seq;
      received++;
      note("latency", at - sentAt);
      const frameStart = text.lastIndexOf("\n\n", m);
      const frameEnd = text.indexOf("\n\n", m);
      const c = text.indexOf(CREATED, frameStart + 1);
      if (c >= 0 && c < frameEnd) note("commit", at - Date.parse(text.slice(c + 14, c + 38)));
    }
  }
}

/** One user's stream across reconnects. */
interface Stream {
  /** Its place in the tokens file. */
  index: number;
  token: string;
  lastEventId: string;
  everConnected: boolean;
  /** Which sequence numbers arrived, to count losses and duplicates. */
  bitmap: Uint8Array;
}

/**
 * Holds one stream over node:net sockets, reconnecting with `Last-Event-ID` when it drops.
 * Data arrives by callback, without a promise per read, and in buffers the runtime owns:
 * a load generator reading 10,000 sockets must cost less per read than the server's
 * write, or it measures itself.
 */
function hold(stream: Stream, attempt = 0) {
  if (stopping || attempt >= 50) return;
  const socket = net.connect({ host: target.hostname, port: Number(target.port) });
  socket.setNoDelay(true);
  const reader = new StreamReader(stream);
  const resume = stream.lastEventId ? `last-event-id: ${stream.lastEventId}\r\n` : "";
  socket.write(
    `GET /api/chat/events HTTP/1.1\r\nhost: ${target.host}\r\n` +
      `authorization: Bearer ${stream.token}\r\naccept: text/event-stream\r\n${resume}\r\n`,
  );
  if (attempt > 0) reconnects++;
  let refused = false;
  socket.on("data", (data: Buffer) => {
    try {
      reader.feed(data, clock());
      // the server ended the response: reconnect and resume, as a browser does
      if (reader.done) socket.destroy();
    } catch {
      refused = !stream.everConnected;
      socket.destroy();
    }
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    if (refused) return void failed++;
    if (stopping) return;
    setTimeout(() => hold(stream, attempt + 1), 100 + Math.random() * 200);
  });
}

let stopping = false;
for (let i = 0; i < tokens.length; i += 250) {
  const target = i + Math.min(250, tokens.length - i);
  for (let k = i; k < target; k++) {
    hold({ index: k, token: tokens[k], lastEventId: "", everConnected: false, bitmap: new Uint8Array(64) });
  }
  while (connected + failed < target) await new Promise((r) => setTimeout(r, 5));
}
console.log("ready");

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.includes("stop")) break;
  if (line.includes("bytes")) console.log(JSON.stringify({ bytes }));
}
stopping = true;
fs.writeFileSync(outFile, new Uint8Array(latencies.buffer, 0, samples * 8));
fs.writeFileSync(`${outFile}.commit`, new Uint8Array(fromCommit.buffer, 0, commitSamples * 8));
fs.writeFileSync(`${outFile}.deltas`, new Uint8Array(deltas.buffer, 0, deltaValues * 8));
console.log(JSON.stringify({ connected, failed, received, duplicates, reconnects, bytes, maxSeq }));
process.exit(0);
