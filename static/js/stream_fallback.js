// Stream health. htmx's SSE extension reconnects a stream that dropped, with backoff; after
// three failures in a row the page also long-polls for the same fragments until the stream
// is back. A session that ended (signed out elsewhere, deactivated) cannot stream or poll
// again: the page goes to sign-in.
import { $ } from "./format.js";

const stream = $("#event-stream");
let failures = 0;
let polling = false;
let lastEventId = stream?.dataset.cursor || "0";

function sessionEnded(status) {
  if (status === 401) location.assign("/login");
  return status === 401;
}

function failed() {
  failures++;
  if (failures >= 3 && !polling) poll();
}

// The extension retries a stream that dropped, but not a first connect that failed (a
// server restarting as the page loads, a blip): that one is asked again here.
function connectFailed(e) {
  if (stream._htmx?.sse || sessionEnded(e?.detail.ctx?.response?.status)) return;
  failed();
  setTimeout(() => {
    if (!stream._htmx?.sse) htmx.ajax("GET", stream.getAttribute("hx-sse:connect"), { source: stream });
  }, Math.min(10_000, 500 * 2 ** failures));
}

async function poll() {
  polling = true;
  $("#connection-status").hidden = false;
  while (polling) {
    try {
      const res = await fetch(`/ui/events/poll?after=${encodeURIComponent(lastEventId)}`, {
        headers: { "HX-Request": "true" },
      });
      if (sessionEnded(res.status)) return;
      if (!res.ok) throw new Error(`poll answered ${res.status}`);
      const next = res.headers.get("X-Last-Event-Id");
      const html = await res.text();
      if (next) lastEventId = next;
      if (html.trim()) await htmx.swap({ text: html, target: stream, swap: "none", sourceElement: stream });
      if (failures === 0) {
        polling = false;
        $("#connection-status").hidden = true;
      }
    } catch {
      await htmx.timeout(3000);
    }
  }
}

if (stream) {
  stream.addEventListener("htmx:sse:after:message", (e) => {
    failures = 0;
    if (e.detail.message?.id) lastEventId = e.detail.message.id;
  });
  stream.addEventListener("htmx:sse:after:connection", () => failures = 0);
  stream.addEventListener("htmx:sse:error", (e) => sessionEnded(e.detail.status) || failed());
  stream.addEventListener("htmx:error", connectFailed);
  stream.addEventListener("htmx:response:error", connectFailed);
  // htmx may start the first connect before this script runs, and a connect refused at once
  // can fail before the listeners above exist: still not connected a moment later counts as failed
  setTimeout(() => {
    if (failures === 0 && !stream._htmx?.sse) connectFailed();
  }, 3000);
}
