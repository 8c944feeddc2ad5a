// A pushed `parley-notice` acts when it lands in the page, then leaves: a message in a
// conversation that is not in view is notified; a crowd's presence change is refetched; a
// reset (the stream could not replay what was missed) reloads the page.
import { $, $$, fill, me, presenceText, strings } from "./format.js";
import { openPane } from "./pane.js";

let presenceSync = null;

function notify(n) {
  const open = openPane()?.dataset.conversationId === n.conversationId && document.visibilityState === "visible";
  if (open || globalThis.Notification?.permission !== "granted") return;
  // a mention says so, and comes through even from a muted conversation (the server sends those only)
  const from = n.mentioned === "true" ? fill(strings.mentioned_you, { name: n.sender }) : `${n.sender}:`;
  const note = new Notification(n.sender, { body: `${from} ${n.preview}`, tag: `message-${n.messageId}` });
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
      if (this.dataset.kind === "reset") location.reload();
      if (this.dataset.kind === "presence-sync") syncPresenceSoon();
      if (this.dataset.kind === "message") notify(this.dataset);
    }
  },
);

// Browsers only ask for permission on a click: the control shows while there is a question
// to ask, and says so when the answer was no.
const toggle = $(".notify-toggle");
function showToggle() {
  const permission = globalThis.Notification?.permission;
  if (!toggle || !me) return;
  toggle.hidden = permission !== "default" && permission !== "denied";
  toggle.disabled = permission === "denied";
  toggle.title = permission === "denied" ? strings.notifications_blocked : "";
}
toggle?.addEventListener("click", () => Notification.requestPermission().catch(() => {}).finally(showToggle));
showToggle();
