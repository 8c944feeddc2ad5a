// Parley's page script. htmx makes the requests and swaps the server's fragments; these
// modules add what markup alone cannot, after every swap and once at start.
import { $, $$, decorate } from "./format.js";
import { afterListChange, keepScroll, openPane, restoreScroll, setupPane } from "./pane.js";
import { afterSend, configureRequest, setupComposer } from "./composer.js";
import { sortConversations, syncTitle } from "./conversation_list.js";
import { selectTab } from "./widget.js";
import "./message_actions.js";
import "./notices.js";
import "./stream_fallback.js";

function refresh() {
  const pane = openPane();
  if (setupPane(pane)) {
    setupComposer($(".composer", pane));
    if (document.body.classList.contains("widget")) selectTab("tab-chat");
  }
  decorate(document);
  $$(".message-list").forEach(afterListChange);
  restoreScroll();
  sortConversations();
  syncTitle();
}

document.addEventListener("htmx:config:request", configureRequest);
document.addEventListener("htmx:after:request", (e) => {
  const { ctx } = e.detail;
  if (ctx.sourceElement?.matches?.("form.composer") && ctx.response?.status < 300) afterSend(ctx.sourceElement);
});
document.addEventListener("htmx:before:swap", (e) => {
  if (e.detail.ctx.sourceElement?.matches?.(".load-older")) keepScroll(e.detail.ctx.sourceElement);
});
document.addEventListener("htmx:after:swap", (e) => {
  refresh();
  if (e.detail.ctx?.target?.id === "pane" && !openPane()) document.body.classList.remove("has-open");
});
document.addEventListener("click", (e) => {
  const jump = e.target.closest?.(".jump-latest");
  if (!jump) return;
  jump.hidden = true;
  const scroller = jump.closest(".conversation")?.querySelector(".message-scroller");
  if (scroller) scroller.scrollTop = scroller.scrollHeight;
});
document.addEventListener("change", (e) => {
  if (e.target.matches?.("select.auto-submit")) e.target.form.submit();
});

refresh();
