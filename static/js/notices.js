// Pushed notices: a `parley-notice` element acts when it lands in the page and leaves it.
// A message is announced to screen readers and, when its conversation is not in view,
// notified; a deleted message takes its announcement with it; a mass presence change is
// refetched; a reset (the stream could not replay what was missed) reloads the page.
import { $, $$, fill, me, strings, updatePresenceText } from "./format.js";
import { openPane } from "./pane.js";
import { bringRow } from "./conversation_list.js";

customElements.define(
  "parley-notice",
  class extends HTMLElement {
    connectedCallback() {
      this.remove();
      const n = this.dataset;
      if (n.kind === "reset") location.reload();
      if (n.kind === "presence-sync") syncPresenceSoon();
      if (n.kind === "message") announce(n);
      if (n.kind === "deleted" && $("#live-region")?.dataset.messageId === n.messageId) announceIn("", "");
    }
  },
);

function announceIn(text, messageId) {
  const live = $("#live-region");
  if (!live) return;
  live.textContent = text;
  live.dataset.messageId = messageId;
}

function announce(n) {
  bringRow(n.conversationId);
  if (n.authorId === me) return;
  announceIn(`${fill(strings.new_message_from, { name: n.sender })} ${n.preview}`, n.messageId);
  const open = openPane()?.dataset.conversationId === n.conversationId && document.visibilityState === "visible";
  if (open || n.muted === "true" || !("Notification" in globalThis) || Notification.permission !== "granted") return;
  const note = new Notification(n.title || n.sender, {
    body: `${n.sender}: ${n.preview}`,
    tag: `message-${n.messageId}`,
  });
  setTimeout(() => note.close(), 5000);
  note.addEventListener("click", () => {
    globalThis.focus();
    note.close();
    htmx.ajax("GET", `/ui/conversations/${n.conversationId}`, { target: "#pane", swap: "innerHTML" }).then(() => {
      if (!document.body.classList.contains("widget")) history.pushState({}, "", `/c/${n.conversationId}`);
    });
  });
}

// Every open page refetches, spread over a few seconds so they do not all ask at once.
let presenceSync = null;
function syncPresenceSoon() {
  presenceSync ??= setTimeout(async () => {
    presenceSync = null;
    const response = await fetch("/api/chat/conversations/presence/").catch(() => null);
    if (!response?.ok) return;
    for (const person of await response.json()) {
      for (const dot of $$(`.presence-${CSS.escape(person.id)}`)) {
        dot.classList.toggle("online", person.is_online);
        dot.dataset.online = String(person.is_online);
        dot.dataset.lastSeen = person.last_seen ?? "";
        updatePresenceText(dot);
      }
    }
  }, Math.random() * 3000);
}

if ("Notification" in globalThis && Notification.permission === "default" && me) {
  setTimeout(() => Notification.requestPermission().catch(() => {}), 4000);
}
