import type { ServerResponse } from "node:http";
import process from "node:process";

/** What a sink tells its stream about the connection. */
export interface SinkEvents {
  /** The connection took what was queued: there is room again. */
  drained(): void;
  /** The client went away. */
  cancelled(): void;
}

/**
 * Where an SSE stream's bytes go. Writes never wait: the stream decides from `overflow`
 * whether its reader keeps up.
 */
export interface ByteSink {
  /** Queues bytes for the connection; throws once the connection is gone. */
  enqueue(chunk: Uint8Array): void;
  /** Bytes queued beyond the stream's bound (zero or less while within it). */
  readonly overflow: number;
  /** Ends the response after what is already queued. */
  close(): void;
}

const CRLF = new Uint8Array([13, 10]);
const encoder = new TextEncoder();

/**
 * HTTP/1.1 chunked framing of one chunk. The hub hands the same chunk to every stream in
 * turn, so the last framing is kept and reused.
 */
let lastChunk: Uint8Array | null = null;
let lastFramed: Uint8Array = CRLF;
function chunkFramed(chunk: Uint8Array): Uint8Array {
  if (chunk === lastChunk) return lastFramed;
  const size = encoder.encode(chunk.byteLength.toString(16) + "\r\n");
  const framed = new Uint8Array(size.length + chunk.byteLength + 2);
  framed.set(size);
  framed.set(chunk, size.length);
  framed.set(CRLF, size.length + chunk.byteLength);
  lastChunk = chunk;
  lastFramed = framed;
  return framed;
}

/** A write request as the runtime's native TCP handle takes it; it reports completion on it. */
interface WriteRequest {
  bytes: number;
  oncomplete(this: WriteRequest, status: number): void;
}

/** The part of node:net's native socket handle that the sink writes through. */
interface NativeStreamHandle {
  writeBuffer(request: WriteRequest, data: Uint8Array): number;
}

/**
 * Where the native handle tells whether its last write was queued (and will report its
 * completion) or went to the kernel at once, as node:net's own writes read it. Null where
 * the runtime does not offer it: the sink then writes through `socket.write`.
 */
const lastWrite = (() => {
  try {
    const binding = (process as unknown as {
      binding(name: string): { streamBaseState?: Int32Array; kLastWriteWasAsync?: number };
    }).binding("stream_wrap");
    const { streamBaseState: state, kLastWriteWasAsync: index } = binding;
    return state instanceof Int32Array && typeof index === "number" ? { state, index } : null;
  } catch {
    return null;
  }
})();

/**
 * A sink writing straight into the connection of a node:http response: one write per chunk
 * on the socket's native handle, with no stream object, reader or pump in between. Both the
 * response's `write` (which frames each chunk anew and defers the socket write to a later
 * tick) and the socket's own `write` (a pass through the Writable machinery per call) are
 * bypassed for the body: the chunked framing is done once per distinct chunk and shared by
 * every stream that gets it, and the bytes go to the handle's write queue at once (the
 * fan-out's cost is mostly these writes; see docs/performance.md). The handle keeps its writes in
 * order; a write it had to queue (the kernel's buffer was full) reports its completion,
 * which is how the sink knows what is still queued. Whenever the socket's Writable holds
 * bytes of its own (the head, or anything written around the sink) the chunk goes through
 * `socket.write` behind them, so the order holds.
 * The response still sends the head and, on close, the final empty chunk.
 * @param outgoing the response, headers not yet sent
 * @param headers the stream's response headers
 * @param maxQueuedBytes the stream's bound
 * @param events drain and cancel notifications
 */
export function nodeResponseSink(
  outgoing: ServerResponse,
  headers: Record<string, string>,
  maxQueuedBytes: number,
  events: SinkEvents,
): ByteSink {
  outgoing.writeHead(200, headers);
  outgoing.flushHeaders();
  const socket = outgoing.socket;
  // each write is a complete batch of frames: send it now rather than wait for an ACK
  socket?.setNoDelay(true);
  // HTTP/1.0 clients get the body unframed, ended by closing the connection
  const chunked = (outgoing as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  /** Bytes handed to the native handle and not yet reported written. */
  let pending = 0;
  /** There is room again once neither the handle nor the socket's Writable holds anything. */
  const drained = () => {
    if (pending === 0 && (socket?.writableLength ?? 0) === 0) events.drained();
  };
  function oncomplete(this: WriteRequest, status: number) {
    pending -= this.bytes;
    if (status < 0) socket?.destroy();
    else drained();
  }
  socket?.on("drain", drained);
  outgoing.on("close", () => {
    // a kept-alive connection may carry further requests: leave it as it was
    socket?.off("drain", drained);
    events.cancelled();
  });
  return {
    enqueue(chunk) {
      if (!socket || socket.destroyed || outgoing.writableEnded) {
        throw new Error("Cannot write: the client went away");
      }
      const data = chunked ? chunkFramed(chunk) : chunk;
      const handle = (socket as unknown as { _handle?: NativeStreamHandle | null })._handle;
      if (!lastWrite || socket.writableLength > 0 || typeof handle?.writeBuffer !== "function") {
        socket.write(data);
        return;
      }
      if (handle.writeBuffer({ bytes: data.byteLength, oncomplete }, data) !== 0) {
        socket.destroy();
        throw new Error("Cannot write: the connection failed");
      }
      // a queued write reports its completion; one the kernel took at once does not
      if (lastWrite.state[lastWrite.index] !== 0) pending += data.byteLength;
    },
    get overflow() {
      return pending + (socket?.writableLength ?? 0) - maxQueuedBytes;
    },
    close() {
      if (!outgoing.writableEnded) outgoing.end();
    },
  };
}

/**
 * A sink feeding a web ReadableStream, for servers that take a `Response` body (and
 * in-process `app.request`).
 * @param maxQueuedBytes the stream's bound (the stream's high-water mark)
 * @param events drain and cancel notifications
 */
export function readableStreamSink(
  maxQueuedBytes: number,
  events: SinkEvents,
): { sink: ByteSink; stream: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    pull: () => events.drained(),
    cancel: () => events.cancelled(),
  }, { highWaterMark: maxQueuedBytes, size: (chunk) => chunk.byteLength });
  return {
    stream,
    sink: {
      enqueue: (chunk) => controller.enqueue(chunk),
      get overflow() {
        return -(controller.desiredSize ?? 0);
      },
      close: () => controller.close(),
    },
  };
}
