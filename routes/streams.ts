import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type FrameRenderer, StreamSubscriber } from "../realtime/subscriber.ts";
import { nodeResponseSink, readableStreamSink } from "../realtime/stream_sink.ts";
import { longPoll, startStream } from "../realtime/replay.ts";
import { loadChatSettings } from "../chat/settings.ts";
import type { AppEnv } from "../server/env.ts";

/**
 * `no-transform` keeps Deno's automatic compression (and proxies) off the stream: a
 * compressed SSE body is buffered until a block fills, which defeats live delivery.
 */
const STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  "x-content-type-options": "nosniff",
};

/** Who the signed-in user's streams and polls listen as. */
function listenerOf(c: Context<AppEnv>) {
  const user = c.var.user;
  return { tenantId: user.tenantId, userId: user.id, role: user.role, sessionId: c.var.sessionId };
}

/**
 * The signed-in user's events after `after`, waiting up to `timeoutMs` for one when
 * there are none yet.
 * @param c the request context (after `requireUser`)
 * @param after the event id to answer after; null for "from now"
 * @param options how long to wait, and a signal that ends the wait when the client leaves
 */
export function pollEvents(
  c: Context<AppEnv>,
  after: number | null,
  options: { timeoutMs: number; signal?: AbortSignal },
) {
  return longPoll(c.var.deps.realtime.hub, listenerOf(c), { after, ...options });
}

/**
 * Opens one SSE stream for the signed-in user and answers with it at once; the
 * subscription, replay and `connected` event follow inside the stream.
 * @param c the request context (after `requireUser`)
 * @param cursor the event id to replay from (see `resumeCursor`); null for "from now"
 * @param render for htmx streams, how an event becomes a fragment frame
 */
export function openStream(c: Context<AppEnv>, cursor: number | null, render?: FrameRenderer): Response {
  const { realtime } = c.var.deps;
  const sub: StreamSubscriber = new StreamSubscriber(
    listenerOf(c),
    {
      maxQueuedBytes: realtime.maxQueuedBytes,
      render,
      onClose: (slow) => {
        realtime.hub.unregister(sub);
        if (slow) realtime.metrics.slowSubscribersDropped++;
      },
    },
  );
  // on the node server the frames go straight into its response; elsewhere (in-process
  // requests) through a web stream. Either way a client going away closes and unregisters
  // the subscriber.
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  let response: Response;
  if (outgoing) {
    sub.attach(nodeResponseSink(outgoing, STREAM_HEADERS, realtime.maxQueuedBytes, sub));
    // a fresh copy: middleware after this may still set headers on the response object
    response = new Response(null, { headers: RESPONSE_ALREADY_SENT.headers });
  } else {
    const { sink, stream } = readableStreamSink(realtime.maxQueuedBytes, sub);
    sub.attach(sink);
    response = new Response(stream, { headers: STREAM_HEADERS });
  }
  // the workspace may lower the server's cap on streams per user
  loadChatSettings(c.var.scope, c.var.deps)
    .then((settings) => startStream(realtime.hub, sub, cursor, { streamsPerUser: settings.streams_per_user }))
    .catch(() => sub.close());
  return response;
}
