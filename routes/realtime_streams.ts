import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { badRequest } from "../chat/errors.ts";
import type { ChatEvent } from "../chat/events.ts";
import { encodeFrame } from "../realtime/sse_frame.ts";
import { type FrameRenderer, StreamSubscriber } from "../realtime/subscriber.ts";
import { nodeResponseSink, readableStreamSink } from "../realtime/stream_sink.ts";
import { startStream } from "../realtime/replay.ts";
import { loadChatSettings } from "../chat/settings.ts";
import { renderUiEvent } from "../views/ui_events.tsx";
import { uiEventVariant } from "../realtime/ui_variant.ts";
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

/**
 * The resume cursor: `Last-Event-ID` (sent by reconnecting clients) wins over `?after=`
 * (embedded by pages in the URL they connect with). Null means "from now".
 */
export function resumeCursor(c: Context<AppEnv>): number | null {
  const raw = c.req.header("last-event-id") || c.req.query("after");
  if (raw === undefined || raw === "") return null;
  if (!/^\d{1,15}$/.test(raw)) throw badRequest("Cannot resume: the event id must be a non-negative integer");
  return Number(raw);
}

/**
 * Opens one SSE stream for the signed-in user and answers with it at once; the
 * subscription, replay and `connected` event follow inside the stream.
 * @param c the request context (after `requireUser`)
 * @param render for htmx streams, how an event becomes a fragment frame
 */
export function openStream(c: Context<AppEnv>, render?: FrameRenderer): Response {
  const cursor = resumeCursor(c);
  const { realtime } = c.var.deps;
  const user = c.var.user;
  const sub: StreamSubscriber = new StreamSubscriber(
    { tenantId: user.tenantId, userId: user.id, role: user.role, sessionId: c.var.sessionId },
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

/**
 * Renders events as htmx fragments for one viewer. Viewers with the same variant key share
 * the bytes, which are rendered and encoded once per event. Unread badges differ per
 * viewer, so they are not part of the shared fragment: the page fetches them when a
 * message fragment arrives.
 * @param c the request context (after `requireUser`)
 */
export function uiRenderer(c: Context<AppEnv>): FrameRenderer {
  const scope = c.var.scope;
  const locale = c.var.locale;
  return async (event) => {
    const variant = await uiEventVariant(scope, locale, event);
    let frames = uiFrames.get(event);
    if (!frames) uiFrames.set(event, frames = new Map());
    if (!frames.has(variant.key)) {
      const html = renderUiEvent(event, variant);
      // htmx swaps only unnamed messages, so fragments carry no `event:` line
      frames.set(variant.key, html ? encodeFrame({ id: event.id || undefined, data: html }) : null);
    }
    return frames.get(variant.key)!;
  };
}

const uiFrames = new WeakMap<ChatEvent, Map<string, Uint8Array | null>>();
