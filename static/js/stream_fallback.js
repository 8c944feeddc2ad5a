// Stream health. htmx's SSE extension reconnects a stream that dropped, with backoff; after
// three failures in a row the page also long-polls for the same fragments until the stream
// is back. A session that ended (signed out elsewhere, deactivated) cannot stream or poll
// again: the page goes to sign-in.
import { $ } from "./format.js";

const stream = $("#event-stream");
const connected = () => !!stream._htmx?.sse;
let [failures, polling, lastEventId] = [0, false, stream?.dataset.cursor || "0"];

function failed(status) {
  if (status === 401) return location.assign("/login");
  if (++failures >= 3 && !polling) poll();
}

// The extension retries a stream that dropped, not a first connect that failed (a server
// restarting as the page loads, a blip): that one is asked again here, with backoff.
function connectFailed(e) {
  if (connected()) return;
  failed(e?.detail.ctx?.response?.status);
  setTimeout(
    () => connected() || htmx.ajax("GET", stream.getAttribute("hx-sse:connect"), { source: stream }),
    Math.min(10_000, 500 * 2 ** failures),
  );
}

async function poll() {
  $("#connection-status").hidden = !(polling = true);
  while (polling) {
    try {
      const res = await fetch(`/ui/events/poll?after=${encodeURIComponent(lastEventId)}`, {
        headers: { "HX-Request": "true" },
      });
      if (res.status === 401) return failed(401);
      if (!res.ok) throw new Error(`poll answered ${res.status}`);
      const [next, html] = [res.headers.get("X-Last-Event-Id"), await res.text()];
      lastEventId = next || lastEventId;
      if (html.trim()) await htmx.swap({ text: html, target: stream, swap: "none", sourceElement: stream });
      if (failures === 0) $("#connection-status").hidden = !(polling = false);
    } catch {
      await htmx.timeout(3000);
    }
  }
}

if (stream) {
  stream.addEventListener("htmx:sse:after:message", (e) => {
    failures = 0;
    lastEventId = e.detail.message?.id || lastEventId;
  });
  stream.addEventListener("htmx:sse:after:connection", () => failures = 0);
  stream.addEventListener("htmx:sse:error", (e) => failed(e.detail.status));
  stream.addEventListener("htmx:error", connectFailed);
  stream.addEventListener("htmx:response:error", connectFailed);
  // htmx may start the first connect before this module runs, and a connect refused at
  // once fails unseen: still not connected a moment later counts as a failed connect
  setTimeout(() => failures === 0 && !connected() && connectFailed(), 3000);
}
