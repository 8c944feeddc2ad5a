// The open conversation: day separators, the "new messages" divider, read ticks and "seen
// by", the scroll position as messages arrive, marking read.
import { $, $$, dayKey, dayLabel, decorate, el, fill, me, strings } from "./format.js";
import { keepTabStop } from "./keyboard.js";

export const openPane = () => $(".conversation[data-conversation-id]");
export const nearBottom = (s) => s.scrollHeight - s.scrollTop - s.clientHeight < 80;
const shapes = new WeakMap();
// A scroller the reader left at its end stays there while its content grows (an image
// loading, a tall message, a replay): the state is kept from their scrolling, because after
// growth the position alone no longer tells.
const pinned = new WeakMap();
const follow = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const scroller = target.closest(".message-scroller");
    if (scroller && pinned.get(scroller)) scroller.scrollTop = scroller.scrollHeight;
  }
});

/** Shows a pane's newest message; what arrives later is followed. */
export function scrollToEnd(pane) {
  const scroller = pane && $(".message-scroller", pane);
  if (!scroller) return;
  scroller.scrollTop = scroller.scrollHeight;
  pinned.set(scroller, true);
  seen(pane);
}

// the reader is at the end: the jump button and its count go, and what they now see is read
function seen(pane) {
  const jump = $(".jump-latest", pane);
  [jump.hidden, jump.dataset.count, $(".jump-count", jump).textContent] = [true, "0", ""];
  if (document.getElementById(`unread-${pane.dataset.conversationId}`)?.dataset.count > 0) markReadSoon(pane);
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
  const scroller = $(".message-scroller", pane);
  follow.observe(scroller);
  follow.observe($(".message-list", pane));
  // opened at a message (a search result, a mention): it shows in the middle, highlighted
  const focus = pane.dataset.focus && document.getElementById(pane.dataset.focus);
  if (focus) focus.classList.add("focused");
  if (focus || $(".new-divider", pane)) {
    (focus || $(".new-divider", pane)).scrollIntoView({ block: focus ? "center" : "start" });
  } else scrollToEnd(pane);
  pinned.set(scroller, nearBottom(scroller));
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
  // a pane opened at an older message keeps its place while the pages after it load
  if (!before || !newest || newest.id === before.newest || $(".load-newer", pane)) return;
  const scroller = $(".message-scroller", pane);
  if (newest.dataset.authorId === me || pinned.get(scroller) || nearBottom(scroller)) {
    scrollToEnd(pane);
    if (newest.dataset.authorId !== me) markReadSoon(pane);
    return;
  }
  // out of view: counted on the jump button, and unread until the reader gets there
  const fresh = messages.filter((m) => m.id > (before.newest ?? "") && !m.matches(".kind-system")).length;
  const jump = $(".jump-latest", pane);
  jump.dataset.count = String(Number(jump.dataset.count || 0) + fresh);
  $(".jump-count", jump).textContent = Number(jump.dataset.count) > 0 ? jump.dataset.count : "";
  jump.hidden = false;
}

// The list marks itself read (hx-post, debounced) when told, and only while the page is
// seen. Read means seen: up to the newest message shown when it was told, not one that
// arrived out of view during the debounce.
function markReadSoon(pane) {
  const list = $(".message-list", pane);
  if (document.visibilityState !== "visible" || !readGate(pane)) return;
  list.dataset.seenUpTo = $$(".message", list).at(-1)?.dataset.messageId ?? "";
  htmx.trigger(list, "parley:read");
}
let readGate = () => true;
/** Adds a condition for the open conversation to count as read (the widget's: open, at its end, host tab visible). */
export const setReadGate = (gate) => readGate = gate;

/** Marks the open conversation read if it shows unread messages and may count as seen now. */
export function readIfUnread() {
  const pane = openPane();
  if (pane && document.getElementById(`unread-${pane.dataset.conversationId}`)?.textContent.trim()) markReadSoon(pane);
}
document.addEventListener("htmx:config:request", ({ detail: { ctx } }) => {
  const upTo = ctx.sourceElement?.matches?.(".message-list") && ctx.sourceElement.dataset.seenUpTo;
  if (!upTo) return;
  const body = JSON.stringify({ up_to_id: upTo });
  ctx.fetch = (url, init) =>
    fetch(url, { ...init, body, headers: { ...init.headers, "Content-Type": "application/json" } });
});
document.addEventListener("visibilitychange", () => {
  const pane = openPane();
  if (pane && pinned.get($(".message-scroller", pane))) seen(pane);
});
// Only the reader moving up unpins: a scroll event that reports our own jump to the end can
// arrive after more content came in, when the position alone looks short of the end.
const lastTop = new WeakMap();
document.addEventListener("scroll", (e) => {
  if (!e.target.matches?.(".message-scroller")) return;
  const [top, before] = [e.target.scrollTop, lastTop.get(e.target) ?? 0];
  lastTop.set(e.target, top);
  pinned.set(e.target, nearBottom(e.target) || (pinned.get(e.target) && top >= before));
  if (pinned.get(e.target) && !$(".jump-latest", e.target.parentElement).hidden) seen(e.target.parentElement);
}, { capture: true, passive: true });
// the jump button's link would leave a gap under the end marker: it scrolls itself
document.addEventListener("click", (e) => {
  const jump = e.target.closest?.(".jump-latest");
  if (!jump) return;
  e.preventDefault();
  scrollToEnd(jump.closest(".conversation"));
});
