// The open conversation: day separators, the "new messages" divider, read ticks and "seen
// by", the scroll position as messages arrive or older pages load, marking read.
import { $, $$, dayKey, dayLabel, decorate, fill, me, strings } from "./format.js";

export const openPane = () => $(".conversation[data-conversation-id]");
export const scrollerOf = (pane) => pane && $(".message-scroller", pane);
const nearBottom = (s) => s.scrollHeight - s.scrollTop - s.clientHeight < 80;

/** Shows a pane's newest message. */
export function scrollToEnd(pane) {
  const scroller = scrollerOf(pane);
  if (scroller) scroller.scrollTop = scroller.scrollHeight;
}

/** Prepares a pane the first time it shows; false when there is none or it is ready. */
export function setupPane(pane) {
  if (!pane || pane.dataset.ready) return false;
  pane.dataset.ready = "1";
  document.body.classList.add("has-open");
  $$(".conv-row.active").forEach((r) => r.classList.remove("active"));
  document.getElementById(`conv-${pane.dataset.conversationId}`)?.classList.add("active");
  decorate(pane);
  // the divider stays above what was new when the pane opened, not above what arrives later
  const lastRead = pane.dataset.lastRead;
  const firstNew = lastRead &&
    $$(".message", pane).find((m) => m.dataset.messageId > lastRead && m.dataset.authorId !== me);
  if (firstNew) pane.dataset.newFrom = firstNew.dataset.messageId;
  const divider = drawSeparators($(".message-list", pane));
  updateReads(pane);
  if (divider) divider.scrollIntoView({ block: "start" });
  else scrollToEnd(pane);
  const scroller = scrollerOf(pane);
  scroller.addEventListener("scroll", () => {
    if (nearBottom(scroller)) $(".jump-latest", pane).hidden = true;
  }, { passive: true });
  return true;
}

function separator(className, text) {
  const div = Object.assign(document.createElement("div"), { className, textContent: text });
  div.setAttribute("role", "separator");
  return div;
}

// Separators follow the items, wherever an upsert put them, so they are drawn anew.
function drawSeparators(list) {
  $$(".day-separator, .new-divider", list).forEach((e) => e.remove());
  const newFrom = list.closest(".conversation")?.dataset.newFrom;
  let last = "", divider = null;
  for (const m of $$(".message", list)) {
    const d = new Date($("time[datetime]", m)?.getAttribute("datetime"));
    if (!isNaN(d) && dayKey(d) !== last) {
      last = dayKey(d);
      m.before(separator("day-separator", dayLabel(d)));
    }
    if (m.dataset.messageId === newFrom) m.before(divider = separator("new-divider", strings.new_messages));
  }
  return divider;
}

/** Read ticks on own messages in direct chats, "seen by" under the last message in groups. */
function updateReads(pane) {
  const marks = $$(".read-mark", pane).map((e) => ({
    id: e.dataset.userId,
    name: e.dataset.name,
    read: e.firstElementChild?.dataset.read || "",
  }));
  const others = marks.filter((m) => m.id !== me);
  const messages = $$(".message", pane);
  if (pane.dataset.kind === "direct") {
    for (const m of messages.filter((m) => m.dataset.authorId === me)) {
      if (others.length && others.every((o) => o.read >= m.dataset.messageId)) m.dataset.status = "read";
      const tick = $(".tick", m);
      if (tick) tick.title = strings[`status_${m.dataset.status}`] ?? "";
    }
    return;
  }
  const seen = $(".seen-by", pane);
  const last = messages.filter((m) => !m.classList.contains("kind-system")).at(-1);
  if (!seen) return;
  const names = last ? others.filter((o) => o.id !== last.dataset.authorId && o.read >= last.dataset.messageId) : [];
  seen.textContent = names.length ? fill(strings.seen_by, { names: names.map((o) => o.name).join(", ") }) : "";
}

const shapes = new WeakMap();
/** After any swap: separators when items came or went; a newest message is shown (or announced by the jump button) and marked read. */
export function afterListChange(list) {
  const pane = list.closest(".conversation");
  const messages = $$(".message", list);
  const newest = messages.at(-1);
  const before = shapes.get(list);
  shapes.set(list, { count: messages.length, newest: newest?.id });
  if (before?.count !== messages.length) drawSeparators(list);
  if (pane) updateReads(pane);
  if (!pane || !before || !newest || newest.id === before.newest) return;
  const scroller = scrollerOf(pane);
  if (newest.dataset.authorId === me || nearBottom(scroller) || scroller.scrollHeight - scroller.clientHeight < 400) {
    scroller.scrollTop = scroller.scrollHeight;
  } else {
    $(".jump-latest", pane).hidden = false;
  }
  if (newest.dataset.authorId !== me) markReadSoon(pane.dataset.conversationId);
}

let readTimer = null;
function markReadSoon(conversationId) {
  if (document.visibilityState !== "visible") return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => htmx.ajax("POST", `/ui/conversations/${conversationId}/read`, { swap: "none" }), 300);
}
document.addEventListener("visibilitychange", () => {
  const pane = openPane();
  const badge = pane && document.getElementById(`unread-${pane.dataset.conversationId}`);
  if (document.visibilityState === "visible" && badge?.textContent.trim()) markReadSoon(pane.dataset.conversationId);
});

// An older page goes in above what is shown: the distance from the bottom is kept, so the view stays put.
let kept = null;
export function keepScroll(loader) {
  const scroller = loader.closest(".message-scroller");
  if (scroller) kept = { scroller, fromBottom: scroller.scrollHeight - scroller.scrollTop };
}
export function restoreScroll() {
  if (kept) kept.scroller.scrollTop = kept.scroller.scrollHeight - kept.fromBottom;
  kept = null;
}
