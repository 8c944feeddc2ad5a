// The composer: Enter sends, Escape cancels a reply or edit, a draft per conversation,
// and text typed while a message is on its way stays.
import { $, fill, me, strings } from "./format.js";
import { scrollToEnd } from "./pane.js";
import { listFiles, sendWithFiles, setupUploads } from "./uploader.js";

const draftKey = (form) => `parley:draft:${me}:${form.dataset.conversationId}`;
const sentText = new WeakMap();

function autosize(input) {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
}

/** Wires a pane's composer and puts back its draft. */
export function setupComposer(form) {
  if (!form) return;
  const input = form.elements.content;
  input.value = localStorage.getItem(draftKey(form)) || "";
  autosize(input);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (input.value.trim() || form.elements.attachments.files.length) form.requestSubmit();
    } else if (e.key === "Escape") {
      resetContext(form);
    }
  });
  input.addEventListener("input", () => {
    autosize(input);
    if (form.elements.edit_id.value) return;
    if (input.value) localStorage.setItem(draftKey(form), input.value);
    else localStorage.removeItem(draftKey(form));
  });
  $(".composer-cancel", form).addEventListener("click", () => resetContext(form));
  setupUploads(form);
}

function showContext(form, label) {
  $(".composer-context-label", form).textContent = label;
  $(".composer-context", form).hidden = false;
  autosize(form.elements.content);
  form.elements.content.focus();
}

function resetContext(form) {
  form.elements.parent_id.value = "";
  if (form.elements.edit_id.value) {
    form.elements.edit_id.value = "";
    form.elements.content.value = localStorage.getItem(draftKey(form)) || "";
  }
  $(".composer-context", form).hidden = true;
}

const formOf = (message) => $(".composer", message.closest(".conversation"));

/** Makes the next message a reply to the given one. */
export function startReply(message) {
  const form = formOf(message);
  form.elements.parent_id.value = message.dataset.messageId;
  form.elements.edit_id.value = "";
  showContext(form, fill(strings.replying_to, { name: $(".sender", message)?.textContent || "" }));
}

/** Loads an own message into the composer; sending saves the edit. */
export function startEdit(message) {
  const form = formOf(message);
  form.elements.edit_id.value = message.dataset.messageId;
  form.elements.parent_id.value = "";
  form.elements.content.value = message.dataset.content || "";
  showContext(form, strings.editing);
}

/** The composer's requests: a send gets its client id (an edit goes to the message instead), files go with progress, a typing signal only while there is text. */
export function configureRequest(e) {
  const { ctx } = e.detail;
  const source = ctx.sourceElement;
  if (source.matches(".composer-input")) {
    // the signal says that someone types, not what; cleared or sent text types nothing
    if (!source.value) e.preventDefault();
    ctx.request.body = new FormData();
    return;
  }
  if (!source.matches("form.composer")) return;
  sentText.set(source, source.elements.content.value);
  const editId = source.elements.edit_id.value;
  if (editId) {
    ctx.request.action = `/ui/messages/${editId}/edit`;
    return;
  }
  source.elements.client_id.value = crypto.randomUUID();
  if (source.elements.attachments.files.length) {
    e.preventDefault();
    sendWithFiles(source).then((sent) => sent && afterSend(source));
    return;
  }
  ctx.request.body.set("client_id", source.elements.client_id.value);
}

/** Clears what was sent, keeping text typed meanwhile with its draft. */
export function afterSend(form) {
  const input = form.elements.content;
  form.elements.parent_id.value = "";
  form.elements.edit_id.value = "";
  form.elements.attachments.value = "";
  listFiles(form);
  $(".composer-context", form).hidden = true;
  if (input.value === sentText.get(form)) {
    input.value = "";
    localStorage.removeItem(draftKey(form));
    autosize(input);
  }
  scrollToEnd(form.closest(".conversation"));
}
