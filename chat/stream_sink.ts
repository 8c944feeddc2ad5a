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

/**
 * A sink writing straight into the node:http response: one `write` per chunk, with no
 * stream object, reader or pump in between.
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
  outgoing.on("drain", () => events.drained());
  outgoing.on("close", () => events.cancelled());
  return {
    enqueue(chunk) {
      if (outgoing.destroyed || outgoing.writableEnded) throw new Error("Cannot write: the client went away");
      outgoing.write(chunk);
    },
    get overflow() {
      return outgoing.writableLength - maxQueuedBytes;
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
