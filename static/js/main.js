// Parley's page script. htmx makes the requests and swaps the server's fragments; these
// modules add what markup alone cannot, once at start and after every swap.
import { $, $$, decorate } from "./format.js";
import { afterListChange, openPane, setupPane } from "./pane.js";
import { afterSend, configureRequest, refused, setupComposer, unsent } from "./composer.js";
import { selectTab } from "./widget.js";
import "./notices.js";
import "./emoji_picker.js";
import "./stream_fallback.js";

const baseTitle = document.title.replace(/^\(\d+\+?\) /, "");

/** The sum of the rows' unread counts (of muted ones, their unread mentions), in the tab title and the widget's bar. */
function syncTitle() {
  let n = 0;
  for (const badge of $$("#conv-list .conv-row:not(.muted) .badge[data-count], #conv-list .muted .mention-badge")) {
    n += Number(badge.dataset.count || 0);
  }
  const label = n > 99 ? "99+" : String(n);
  for (const total of $$("#unread-total")) {
    [total.dataset.count, total.textContent] = [String(n), n > 0 ? label : ""];
    total.classList.toggle("empty", n === 0);
  }
  document.title = n > 0 ? `(${label}) ${baseTitle}` : baseTitle;
}

// a conversation opened from the list puts the keyboard in its composer
function refresh(opened = true) {
  if (setupPane(openPane())) {
    setupComposer($(".composer", openPane()));
    if (document.body.classList.contains("widget")) selectTab("tab-chat");
    if (opened) $(".composer-input", openPane())?.focus();
  }
  decorate(document);
  $$(".message-list").forEach(afterListChange);
  syncTitle();
}

document.addEventListener("htmx:config:request", configureRequest);
document.addEventListener("htmx:after:request", ({ detail: { ctx } }) => {
  const [form, status] = [ctx.sourceElement, ctx.response?.status];
  if (form?.matches?.("form.unsent") && status < 300) form.remove();
  if (!form?.matches?.("form.composer")) return;
  if (status < 300) afterSend(form);
  else if (status === 413 || status === 415) refused(form, ctx.response);
  else if (status >= 500 && !form.elements.edit_id.value) unsent(form);
});
// no answer at all (the server or the network is down)
document.addEventListener("htmx:error", ({ detail: { ctx } }) => {
  const form = ctx?.sourceElement;
  if (form?.matches?.("form.composer") && !ctx.response && !form.elements.edit_id.value) unsent(form);
});
document.addEventListener("htmx:after:swap", ({ detail: { ctx } }) => {
  refresh();
  if (ctx?.target?.id === "pane" && !openPane()) document.body.classList.remove("has-open");
});
document.addEventListener("change", (e) => e.target.matches?.("select.auto-submit") && e.target.form.submit());

refresh(false);
