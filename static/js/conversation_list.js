// The conversation list in the server's order, rows that come alive, the unread total.
import { $, $$ } from "./format.js";

const baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
const rowKey = (row) => `${$(".conv-meta", row)?.dataset.updated || ""}|${row.dataset.conversationId}`;
const rowsComing = new Set();

/**
 * Keeps rows as the server pages them: updated_at, then id, newest first. A row that a
 * page and a push both brought is kept once, rows of the other list (archived or not)
 * leave, and the item loading older pages stays last.
 */
export function sortConversations() {
  for (const list of $$("#conv-list")) {
    const archived = list.closest(".conv-list-wrap")?.dataset.archived || "false";
    const seen = new Set();
    for (const row of $$(":scope > .conv-row", list)) {
      if (seen.has(row.id) || (row.dataset.archived && row.dataset.archived !== archived)) row.remove();
      seen.add(row.id);
    }
    const rows = $$(":scope > .conv-row", list);
    const sorted = rows.map((row) => [rowKey(row), row]).sort(([x], [y]) => (x < y ? 1 : -1)).map(([, row]) => row);
    if (sorted.some((row, i) => row !== rows[i])) list.prepend(...sorted);
    const more = $(":scope > .conv-more", list);
    if (more?.nextElementSibling) list.append(more);
  }
}

/** A message in a conversation older than the list's pages brings its row in; sorting puts it on top. */
export function bringRow(conversationId) {
  const list = $("#conv-list");
  if (list?.closest(".conv-list-wrap").dataset.archived !== "false" || rowsComing.has(conversationId)) return;
  if (document.getElementById(`conv-${conversationId}`)) return;
  rowsComing.add(conversationId);
  htmx.ajax("GET", `/ui/conversations/${conversationId}/row`, { target: list, swap: "afterbegin" })
    .catch(() => {}).finally(() => rowsComing.delete(conversationId));
}

/** The sum of the rows' unread counts (muted ones left out), in the tab title and the widget's bar. */
export function syncTitle() {
  let n = 0;
  for (const badge of $$("#conv-list .conv-row:not(.muted) .badge[data-count]")) n += Number(badge.dataset.count || 0);
  const label = n > 99 ? "99+" : String(n);
  for (const total of $$("#unread-total")) {
    [total.dataset.count, total.textContent] = [String(n), n > 0 ? label : ""];
    total.classList.toggle("empty", n === 0);
  }
  document.title = n > 0 ? `(${label}) ${baseTitle}` : baseTitle;
}
