// A pushed `parley-notice` acts when it lands in the page, then leaves: a message is
// announced to screen readers and, when its conversation is not in view, notified; a
// deleted message takes its announcement along; a crowd's presence change is refetched; a
// reset (the stream could not replay what was missed) reloads the page.
import { $, $$, fill, me, presenceText, strings } from "./format.js";
import { openPane } from "./pane.js";
import { bringRow } from "./conversation_list.js";

const announce = (text, messageId = "") => Object.assign($("#live-region") ?? {}, { textContent: text, messageId });
let presenceSync = null;

function onMessage(n) {
  bringRow(n.conversationId);
  if (n.authorId === me) return;
  announce(`${fill(strings.new_message_from, { name: n.sender })} ${n.preview}`, n.messageId);
  const open = openPane()?.dataset.conversationId === n.conversationId && document.visibilityState === "visible";
  if (open || n.muted === "true" || globalThis.Notification?.permission !== "granted") return;
  const note = new Notification(n.sender, { body: `${n.sender}: ${n.preview}`, tag: `message-${n.messageId}` });
  setTimeout(() => note.close(), 5000);
  note.addEventListener("click", () => {
    globalThis.focus();
    note.close();
    $(`#conv-${CSS.escape(n.conversationId)} .conv-link`)?.click();
  });
}

// every open page refetches, spread over a few seconds so they do not all ask at once
function syncPresenceSoon() {
  presenceSync ??= setTimeout(async () => {
    presenceSync = null;
    const people = await fetch("/api/chat/conversations/presence/").then((r) => r.ok ? r.json() : []).catch(() => []);
    for (const person of people) {
      for (const dot of $$(`.presence-${CSS.escape(person.id)}`)) {
        dot.classList.toggle("online", person.is_online);
        Object.assign(dot.dataset, { online: String(person.is_online), lastSeen: person.last_seen ?? "" });
        presenceText(dot);
      }
    }
  }, Math.random() * 3000);
}

customElements.define(
  "parley-notice",
  class extends HTMLElement {
    connectedCallback() {
      this.remove();
      const n = this.dataset;
      if (n.kind === "reset") location.reload();
      if (n.kind === "presence-sync") syncPresenceSoon();
      if (n.kind === "message") onMessage(n);
      if (n.kind === "deleted" && $("#live-region")?.messageId === n.messageId) announce("");
    }
  },
);

if (globalThis.Notification?.permission === "default" && me) {
  setTimeout(() => Notification.requestPermission().catch(() => {}), 4000);
}
