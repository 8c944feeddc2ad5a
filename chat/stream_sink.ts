import type { ServerResponse } from "node:http";

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

/**
 * A sink writing straight into the connection of a node:http response: one socket write
 * per chunk, with no stream object, reader or pump in between. The response object is
 * bypassed for the body because its `write` frames each chunk anew and defers the socket
 * write to a later tick (about 12 µs per stream against 8 µs here, measured with 1,000
 * streams); the chunked framing is done once per distinct chunk and shared by every stream
 * that gets it. The response still sends the head and, on close, the final empty chunk.
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
  const drained = () => events.drained();
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
      socket.write(chunked ? chunkFramed(chunk) : chunk);
    },
    get overflow() {
      return (socket?.writableLength ?? 0) - maxQueuedBytes;
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
