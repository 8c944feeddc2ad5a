// The open conversation: day separators, the "new messages" divider, read ticks and "seen
// by", the scroll position as messages arrive, marking read.
import { $, $$, dayKey, dayLabel, decorate, el, fill, me, strings } from "./format.js";
import { keepTabStop } from "./keyboard.js";

export const openPane = () => $(".conversation[data-conversation-id]");
const nearBottom = (s) => s.scrollHeight - s.scrollTop - s.clientHeight < 80;
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
  if ($(".new-divider", pane)) $(".new-divider", pane).scrollIntoView({ block: "start" });
  else scrollToEnd(pane);
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

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const sentAt = (m) => Date.parse($("time[datetime]", m)?.getAttribute("datetime"));

// A message right after one from the same person, within five minutes, goes under that one's
// name. Replaced items (edits, reactions) come without the mark, so it is set on every swap.
function groupRuns(messages) {
  messages.forEach((m, i) => {
    const prev = messages[i - 1];
    m.classList.toggle(
      "grouped",
      !!prev && m.previousElementSibling === prev && !!m.dataset.authorId &&
        prev.dataset.authorId === m.dataset.authorId && !m.matches(".kind-system") && !prev.matches(".kind-system") &&
        sentAt(m) - sentAt(prev) < GROUP_WINDOW_MS,
    );
  });
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
  groupRuns(messages);
  keepTabStop(list);
  updateReads(pane);
  if (!before || !newest || newest.id === before.newest) return;
  const scroller = $(".message-scroller", pane);
  if (newest.dataset.authorId === me || nearBottom(scroller) || scroller.scrollHeight - scroller.clientHeight < 400) {
    scrollToEnd(pane);
  } else $(".jump-latest", pane).hidden = false;
  if (newest.dataset.authorId !== me) markReadSoon(pane);
}

// the list marks itself read (hx-post, debounced) when told, and only while the page is seen
function markReadSoon(pane) {
  if (document.visibilityState === "visible") htmx.trigger($(".message-list", pane), "parley:read");
}
document.addEventListener("visibilitychange", () => {
  const pane = openPane();
  if (pane && document.getElementById(`unread-${pane.dataset.conversationId}`)?.textContent.trim()) markReadSoon(pane);
});
document.addEventListener("scroll", (e) => {
  if (e.target.matches?.(".message-scroller") && nearBottom(e.target)) {
    $(".jump-latest", e.target.parentElement).hidden = true;
  }
}, { capture: true, passive: true });
