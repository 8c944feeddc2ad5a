// The open conversation: day separators, the "new messages" divider, read ticks and "seen
// by", the scroll position as messages arrive, marking read.
import { $, $$, dayKey, dayLabel, decorate, el, fill, me, strings } from "./format.js";

export const openPane = () => $(".conversation[data-conversation-id]");
export const nearBottom = (s) => s.scrollHeight - s.scrollTop - s.clientHeight < 80;
const shapes = new WeakMap();

/** Shows a pane's newest message. */
export function scrollToEnd(pane) {
  const scroller = pane && $(".message-scroller", pane);
  if (scroller) [scroller.scrollTop, $(".jump-latest", pane).hidden] = [scroller.scrollHeight, true];
}

/** Prepares a pane the first time it shows; false when there is none or it is ready. */
export function setupPane(pane) {
  if (!pane || pane.dataset.ready) return false;
  pane.dataset.ready = "1";
  document.body.classList.add("has-open");
  $$(".conv-row.active").forEach((r) => r.classList.remove("active"));
  document.getElementById(`conv-${pane.dataset.conversationId}`)?.classList.add("active");
  decorate(pane);
  drawSeparators($(".message-list", pane));
  // opened at a message (a search result, a mention): it shows in the middle, highlighted
  const focus = pane.dataset.focus && document.getElementById(pane.dataset.focus);
  if (focus) focus.classList.add("focused");
  if (focus || $(".new-divider", pane)) {
    (focus || $(".new-divider", pane)).scrollIntoView({ block: focus ? "center" : "start" });
  } else scrollToEnd(pane);
  return true;
}

// Separators follow the items, wherever an upsert put them, so they are drawn anew.
function drawSeparators(list) {
  $$(".day-separator, .new-divider", list).forEach((e) => e.remove());
  let last = "";
  for (const m of $$(".message", list)) {
    const d = new Date($("time[datetime]", m)?.getAttribute("datetime"));
    if (!isNaN(d) && dayKey(d) !== last) {
      m.before(Object.assign(el("div", "day-separator", dayLabel(d)), { role: "separator" }));
    }
    if (!isNaN(d)) last = dayKey(d);
    if (m.id !== list.closest(".conversation").dataset.newFrom) continue;
    m.before(Object.assign(el("div", "new-divider", strings.new_messages), { role: "separator" }));
  }
}

/** Read ticks on own messages in direct chats, "seen by" under the last message in groups. */
function updateReads(pane) {
  const others = $$(".read-mark", pane).filter((e) => e.dataset.userId !== me)
    .map((e) => ({ id: e.dataset.userId, name: e.dataset.name, read: e.firstElementChild?.dataset.read || "" }));
  const messages = $$(".message", pane);
  if (pane.dataset.kind === "direct") {
    for (const m of messages.filter((m) => m.dataset.authorId === me)) {
      if (others.length && others.every((o) => o.read >= m.dataset.messageId)) m.dataset.status = "read";
      $(".tick", m)?.setAttribute("title", strings[`status_${m.dataset.status}`] ?? "");
    }
    return;
  }
  const last = messages.filter((m) => !m.classList.contains("kind-system")).at(-1);
  const names = others.filter((o) => last && o.id !== last.dataset.authorId && o.read >= last.dataset.messageId);
  const seen = $(".seen-by", pane);
  if (seen) {
    seen.textContent = names.length ? fill(strings.seen_by, { names: names.map((o) => o.name).join(", ") }) : "";
  }
}

/** After a swap: separators when items came or went, a new newest message shown (or the jump button) and marked read. */
export function afterListChange(list) {
  const [pane, messages, before] = [list.closest(".conversation"), $$(".message", list), shapes.get(list)];
  const newest = messages.at(-1);
  shapes.set(list, { count: messages.length, newest: newest?.id });
  if (before?.count !== messages.length) drawSeparators(list);
  updateReads(pane);
  // a pane opened at an older message keeps its place while the pages after it load
  if (!before || !newest || newest.id === before.newest || $(".load-newer", pane)) return;
  const scroller = $(".message-scroller", pane);
  if (newest.dataset.authorId === me || nearBottom(scroller) || scroller.scrollHeight - scroller.clientHeight < 400) {
    scrollToEnd(pane);
  } else $(".jump-latest", pane).hidden = false;
  if (newest.dataset.authorId !== me) markReadSoon(pane);
}

let readGate = () => true;
/** Adds a condition for the open conversation to count as read (the widget's: open, at its end, host tab visible). */
export const setReadGate = (gate) => readGate = gate;

// the list marks itself read (hx-post, debounced) when told, and only while the page is seen
function markReadSoon(pane) {
  if (document.visibilityState === "visible" && readGate(pane)) htmx.trigger($(".message-list", pane), "parley:read");
}

/** Marks the open conversation read if it shows unread messages and may count as seen now. */
export function readIfUnread() {
  const pane = openPane();
  if (pane && document.getElementById(`unread-${pane.dataset.conversationId}`)?.textContent.trim()) markReadSoon(pane);
}
document.addEventListener("visibilitychange", readIfUnread);
document.addEventListener("scroll", (e) => {
  if (e.target.matches?.(".message-scroller") && nearBottom(e.target)) {
    $(".jump-latest", e.target.parentElement).hidden = true;
    readIfUnread();
  }
}, { capture: true, passive: true });
