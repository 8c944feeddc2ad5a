// Stream health. htmx's SSE extension reconnects a stream that dropped, with backoff, and
// the stream element asks again for a first connect that failed. After three failures in a
// row the page also long-polls for the same fragments (a poller that each answer replaces)
// until the stream is back. A session that ended (signed out elsewhere, deactivated) cannot
// stream or poll again: the page goes to sign-in.
import { $ } from "./format.js";

const [stream, status] = [$("#event-stream"), $("#connection-status")];
let [failures, lastEventId] = [0, stream?.dataset.cursor || "0"];

function failed(e) {
  if ((e.detail.status ?? e.detail.ctx?.response?.status) === 401) return location.assign("/login");
  if (++failures < 3 || !status.hidden) return;
  const poller = $("#event-poll-template").content.firstElementChild.cloneNode();
  poller.setAttribute("hx-get", `/ui/events/poll?after=${encodeURIComponent(lastEventId)}`);
  status.hidden = false;
  status.after(poller);
  htmx.process(poller);
}

function healthy() {
  failures = 0;
  status.hidden = true;
  $("#event-poll")?.remove();
}

if (stream) {
  stream.addEventListener("htmx:sse:after:connection", healthy);
  stream.addEventListener("htmx:sse:after:message", (e) => lastEventId = e.detail.message?.id || lastEventId);
  for (const type of ["htmx:sse:error", "htmx:error", "htmx:response:error"]) stream.addEventListener(type, failed);
}
