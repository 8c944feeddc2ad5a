// The composer (Enter sends, Escape cancels a reply or edit, a draft per conversation, text
// typed while a message is on its way stays, `@` suggests people) and the message toolbar
// that feeds it.
import { $, $$, fill, me, strings } from "./format.js";
import { scrollToEnd } from "./pane.js";
import { fetchWithProgress, listFiles, setupUploads } from "./uploader.js";

// drafts stay in memory where the page may not use storage (a frame on another site)
function draftStore() {
  try {
    if (localStorage) return localStorage;
  } catch {
    // reading `localStorage` throws there
  }
  const kept = new Map();
  return { getItem: (k) => kept.get(k), setItem: (k, v) => kept.set(k, v), removeItem: (k) => kept.delete(k) };
}
const drafts = draftStore();
const draftKey = (form) => `parley:draft:${me}:${form.dataset.conversationId}`;
const sentText = new WeakMap();
let actions = $("#message-actions");

function setContext(form, { parent = "", edit = "", label = "" }) {
  const { content, edit_id: editId, parent_id: parentId } = form.elements;
  if (editId.value && !edit) content.value = drafts.getItem(draftKey(form)) || "";
  [parentId.value, editId.value, $(".composer-context-label", form).textContent] = [parent, edit, label];
  $(".composer-context", form).hidden = !label;
  if (label) content.focus();
}

// an `@` that follows no letter, digit or `._-@` (as the server reads mentions), then the name so far
const TYPED_MENTION = /(?<![\p{L}\p{N}._@-])@([\p{L}\p{N}._-]{0,32})$/u;
const typedMention = (input) => TYPED_MENTION.exec(input.value.slice(0, input.selectionStart))?.[1];

// the server lists who matches what was typed
function suggest(form) {
  const [input, menu] = [form.elements.content, $(".mention-menu", form)];
  const q = typedMention(input);
  if (q === undefined) return menu.hidden = true;
  const url = `/ui/conversations/${form.dataset.conversationId}/mentionable`;
  htmx.ajax("GET", url, { source: menu, target: menu, swap: "outerHTML", values: { q } });
}
// an answer overtaken by more typing (or by the `@` going away) is not shown
document.addEventListener("htmx:before:swap", (e) => {
  const { target, values } = e.detail.ctx;
  const input = target?.matches?.(".mention-menu") && target.closest("form").elements.content;
  if (input && values?.q !== typedMention(input)) e.preventDefault();
});

function pickMention(form, option) {
  const input = form.elements.content;
  const before = input.value.slice(0, input.selectionStart).replace(TYPED_MENTION, `@${option.dataset.username} `);
  input.value = before + input.value.slice(input.selectionStart);
  input.setSelectionRange(before.length, before.length);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Arrows, Enter or Tab and Escape while suggestions show; true when the key was theirs. */
function mentionKey(e, form) {
  const menu = $(".mention-menu", form);
  const options = $$("[role=option]", menu);
  const at = options.findIndex((o) => o.ariaSelected === "true");
  if (menu.hidden || !options.length) return false;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    const next = (at + (e.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
    options.forEach((o, i) => o.ariaSelected = String(i === next));
    form.elements.content.setAttribute("aria-activedescendant", options[next].id);
  } else if (e.key === "Enter" || e.key === "Tab") pickMention(form, options[Math.max(at, 0)]);
  else if (e.key === "Escape") menu.hidden = true;
  else return false;
  e.preventDefault();
  return true;
}
document.addEventListener("mousedown", (e) => {
  const option = e.target.closest?.(".mention-option");
  if (!option) return;
  e.preventDefault(); // the composer keeps the focus
  pickMention(option.closest("form"), option);
});

/** Wires a pane's composer and puts back its draft. */
export function setupComposer(form) {
  const input = form?.elements.content;
  if (!input) return;
  input.value = drafts.getItem(draftKey(form)) || "";
  input.addEventListener("keydown", (e) => {
    if (mentionKey(e, form)) return;
    if (e.key === "Escape") setContext(form, {});
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    if (input.value.trim() || form.elements.attachments.files.length) form.requestSubmit();
  });
  input.addEventListener("blur", () => $(".mention-menu", form).hidden = true);
  input.addEventListener("input", () => {
    suggest(form);
    if (!form.elements.edit_id.value) drafts[input.value ? "setItem" : "removeItem"](draftKey(form), input.value);
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
    drafts.removeItem(draftKey(form));
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
