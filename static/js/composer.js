// The composer (Enter sends, Escape cancels a reply or edit, a draft per conversation, text
// typed while a message is on its way stays) and the message toolbar that feeds it.
import { $, fill, me, strings } from "./format.js";
import { scrollToEnd } from "./pane.js";
import { fetchWithProgress, listFiles, setupUploads } from "./uploader.js";

const draftKey = (form) => `parley:draft:${me}:${form.dataset.conversationId}`;
const sentText = new WeakMap();
let actions = $("#message-actions");

function setContext(form, { parent = "", edit = "", label = "" }) {
  const { content, edit_id: editId, parent_id: parentId } = form.elements;
  if (editId.value && !edit) content.value = localStorage.getItem(draftKey(form)) || "";
  [parentId.value, editId.value, $(".composer-context-label", form).textContent] = [parent, edit, label];
  $(".composer-context", form).hidden = !label;
  if (label) content.focus();
}

/** Wires a pane's composer and puts back its draft. */
export function setupComposer(form) {
  const input = form?.elements.content;
  if (!input) return;
  input.value = localStorage.getItem(draftKey(form)) || "";
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") setContext(form, {});
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    if (input.value.trim() || form.elements.attachments.files.length) form.requestSubmit();
  });
  input.addEventListener("input", () => {
    if (!form.elements.edit_id.value) localStorage[input.value ? "setItem" : "removeItem"](draftKey(form), input.value);
  });
  $(".composer-cancel", form).addEventListener("click", () => setContext(form, {}));
  setupUploads(form);
}

/** Clears what was sent, keeping text typed meanwhile with its draft. */
export function afterSend(form) {
  const input = form.elements.content;
  form.elements.edit_id.value = form.elements.attachments.value = "";
  $(".composer-notice", form).textContent = "";
  setContext(form, {});
  listFiles(form);
  if (input.value === sentText.get(form)) {
    input.value = "";
    localStorage.removeItem(draftKey(form));
  }
  scrollToEnd(form.closest(".conversation"));
}

/** Fills in the composer's and the toolbar's requests. */
export function configureRequest(e) {
  const { ctx } = e.detail;
  const form = ctx.sourceElement;
  // the toolbar's reactions and deletes name the message it sits on as ":id"
  if (actions?.contains(form)) {
    ctx.request.action = ctx.request.action.replace(":id", form.closest(".message").dataset.messageId);
  }
  // a typing signal says that someone types, not what; cleared or sent text types nothing
  if (form.matches(".composer-input")) return form.value ? ctx.request.body = new FormData() : e.preventDefault();
  if (!form.matches("form.composer")) return;
  sentText.set(form, form.elements.content.value);
  if (form.elements.edit_id.value) return ctx.request.action = `/ui/messages/${form.elements.edit_id.value}/edit`;
  ctx.request.body.set("client_id", form.elements.client_id.value = crypto.randomUUID());
  if (form.elements.attachments.files.length) ctx.fetch = fetchWithProgress(form);
}

// The toolbar moves onto the message hovered or focused. One that left the page with a
// replaced message may have been unwired by htmx: a fresh copy takes its place.
function showActions(message) {
  if (
    !actions || !message || message.matches(".deleted, .kind-system") ||
    (actions.parentElement === message && !actions.hidden)
  ) return;
  if (!actions.isConnected) actions = actions.cloneNode(true);
  message.append(actions);
  htmx.process(actions);
  actions.hidden = false;
  placeActions(message);
}
// The toolbar never covers the message's name and time: beside the bubble where the list
// has room, else above it, or below it where the list's top edge would cut it off.
function placeActions(message) {
  const [box, list] = [message.getBoundingClientRect(), message.parentElement.getBoundingClientRect()];
  const mine = message.classList.contains("mine");
  const side = mine ? box.left - list.left : list.right - box.right;
  const scroller = message.closest(".message-scroller")?.getBoundingClientRect();
  actions.classList.remove("side", "below");
  if (side >= actions.offsetWidth + 8) actions.classList.add("side");
  else if (box.top - (scroller?.top ?? 0) < actions.offsetHeight + 4) actions.classList.add("below");
}
document.addEventListener("mouseover", (e) => showActions(e.target.closest?.(".message")));
document.addEventListener("focusin", (e) => actions?.contains(e.target) || showActions(e.target.closest?.(".message")));
document.addEventListener("click", (e) => {
  const button = e.target.closest?.("#message-actions button[data-action]");
  const message = button?.closest(".message");
  const form = message && $(".composer", message.closest(".conversation"));
  if (button?.dataset.action === "reply" && form) {
    const label = fill(strings.replying_to, { name: $(".sender", message)?.textContent ?? "" });
    setContext(form, { parent: message.dataset.messageId, label });
  } else if (button?.dataset.action === "edit" && form) {
    form.elements.content.value = message.dataset.content || "";
    setContext(form, { edit: message.dataset.messageId, label: strings.editing });
  }
});
// a deleted message's tombstone replaces it, toolbar and all: the toolbar steps out first,
// so the request's source stays in the page for the events after the swap
document.addEventListener("htmx:before:swap", ({ detail: { ctx } }) => {
  if (actions?.contains(ctx.sourceElement) && ctx.sourceElement.dataset.action === "delete") {
    document.body.append(Object.assign(actions, { hidden: true }));
  }
});
