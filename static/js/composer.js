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

/**
 * A send that got no answer, or a server error, shows as "Not sent" with a retry that sends
 * the same `client_id` again: the server stores a message once per client id, so a send that
 * did arrive is never doubled. The composer is cleared as after a send.
 */
export function unsent(form) {
  const pane = form.closest(".conversation");
  const item = $(`#unsent-template-${pane.dataset.conversationId}`, pane).content.firstElementChild.cloneNode(true);
  const { content, client_id: clientId, parent_id: parentId, attachments } = item.elements;
  $(".unsent-text", item).textContent = content.value = sentText.get(form) ?? form.elements.content.value;
  [clientId.value, parentId.value] = [form.elements.client_id.value, form.elements.parent_id.value];
  const files = new DataTransfer();
  for (const f of form.elements.attachments.files) files.items.add(f);
  attachments.files = files.files;
  $(".unsent-list", pane).append(item);
  htmx.process(item);
  afterSend(form);
}

/** Drops the file the server refused (named by the answer) from the composer, with the reason shown. */
export function refused(form, response) {
  const name = decodeURIComponent(response.headers.get("parley-refused-file") ?? "");
  dropFiles(form, (f) => f.name !== name);
}

function dropFiles(form, keep) {
  const kept = new DataTransfer();
  for (const f of form.elements.attachments.files) if (keep(f)) kept.items.add(f);
  form.elements.attachments.files = kept.files;
  listFiles(form);
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
  $(".composer-notice", form).textContent = "";
  if (form.elements.edit_id.value) return ctx.request.action = `/ui/messages/${form.elements.edit_id.value}/edit`;
  ctx.request.body.set("client_id", form.elements.client_id.value = crypto.randomUUID());
  if (form.elements.attachments.files.length) ctx.fetch = fetchWithProgress(form);
}

// The toolbar moves onto the message hovered or focused. One that left the page with a
// replaced message may have been unwired by htmx: a fresh copy takes its place.
function showActions(message) {
  if (!actions || !message || message.matches(".deleted, .kind-system") || actions.parentElement === message) return;
  if (!actions.isConnected) actions = actions.cloneNode(true);
  message.append(actions);
  htmx.process(actions);
  actions.hidden = false;
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
