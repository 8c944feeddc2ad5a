// Stream health. htmx's SSE extension reconnects a stream that dropped, with backoff, and
// the stream element asks again for a first connect that failed. After three failures in a
// row the page also long-polls for the same fragments (a poller that each answer replaces)
// until the stream is back. A session that ended (signed out elsewhere, deactivated) cannot
// stream or poll again: the page goes to sign-in, the widget to its sign-in bar. Listeners
// sit on the document: a widget gets its stream only once it has a session.
import { $ } from "./format.js";

let [failures, lastEventId] = [0, null];
const fromStream = (e) => e.target.id === "event-stream";

function failed(e) {
  if (!fromStream(e)) return;
  const status = $("#connection-status");
  if ((e.detail.status ?? e.detail.ctx?.response?.status) === 401) {
    if (!document.body.classList.contains("widget")) return location.assign("/login");
    return document.dispatchEvent(new CustomEvent("parley:session-ended"));
  }
  if (++failures < 3 || !status.hidden) return;
  const poller = $("#event-poll-template").content.firstElementChild.cloneNode();
  const after = lastEventId ?? e.target.dataset.cursor ?? "0";
  poller.setAttribute("hx-get", `/ui/events/poll?after=${encodeURIComponent(after)}`);
  status.hidden = false;
  status.after(poller);
  htmx.process(poller);
}

document.addEventListener("htmx:sse:after:connection", (e) => {
  if (!fromStream(e)) return;
  failures = 0;
  $("#connection-status").hidden = true;
  $("#event-poll")?.remove();
});
document.addEventListener("htmx:sse:after:message", (e) => {
  if (fromStream(e)) lastEventId = e.detail.message?.id || lastEventId;
});
for (const type of ["htmx:sse:error", "htmx:error", "htmx:response:error"]) document.addEventListener(type, failed);
