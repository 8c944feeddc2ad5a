// The one message toolbar, moved onto the message hovered or focused. Reactions and
// deletes are htmx requests naming the message as ":id"; replies and edits go to the composer.
import { $ } from "./format.js";
import { startEdit, startReply } from "./composer.js";

let actions = $("#message-actions");

function showActions(message) {
  if (!actions || !message || message.matches(".deleted, .kind-system") || actions.parentElement === message) return;
  // a toolbar that left the page with a replaced message may have been unwired by htmx
  if (!actions.isConnected) actions = actions.cloneNode(true);
  message.append(actions);
  htmx.process(actions);
  actions.hidden = false;
}

document.addEventListener("focusin", (e) => {
  if (!actions?.contains(e.target)) showActions(e.target.closest?.(".message"));
});
document.addEventListener("mouseover", (e) => showActions(e.target.closest?.(".message")));

document.addEventListener("click", (e) => {
  const button = e.target.closest?.("#message-actions button[data-action]");
  const message = button?.closest(".message");
  if (button?.dataset.action === "reply") startReply(message);
  if (button?.dataset.action === "edit") startEdit(message);
});

document.addEventListener("htmx:config:request", (e) => {
  const { ctx } = e.detail;
  const message = actions?.contains(ctx.sourceElement) && ctx.sourceElement.closest(".message");
  if (message) ctx.request.action = ctx.request.action.replace(":id", message.dataset.messageId);
});

// the tombstone replaces the message with the toolbar in it: the toolbar steps out first,
// so the request's source stays in the page for the events after the swap
document.addEventListener("htmx:before:swap", (e) => {
  if (!actions?.contains(e.detail.ctx.sourceElement) || e.detail.ctx.sourceElement.dataset.action !== "delete") return;
  actions.hidden = true;
  document.body.append(actions);
});
