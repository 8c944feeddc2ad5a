// Files for the composer: chosen or dropped, listed, then sent with a progress bar.
import { $, sizeText, strings } from "./format.js";

/** Lists the chosen files under the composer. */
export function listFiles(form) {
  $(".file-list", form).replaceChildren(...Array.from(form.elements.attachments.files, (f) => {
    return Object.assign(document.createElement("li"), { textContent: `${f.name} (${sizeText(f.size)})` });
  }));
}

/** Files chosen or dropped anywhere on the composer join the ones already there. */
export function setupUploads(form) {
  const files = form.elements.attachments;
  files.addEventListener("change", () => listFiles(form));
  const dragging = (on) => (e) => {
    e.preventDefault();
    if (on || !form.contains(e.relatedTarget)) form.classList.toggle("dragging", on);
  };
  form.addEventListener("dragenter", dragging(true));
  form.addEventListener("dragover", dragging(true));
  form.addEventListener("dragleave", dragging(false));
  form.addEventListener("drop", (e) => {
    dragging(false)(e);
    const all = new DataTransfer();
    for (const f of [...files.files, ...e.dataTransfer.files]) all.items.add(f);
    files.files = all.files;
    listFiles(form);
  });
}

function toast(text) {
  const p = Object.assign(document.createElement("p"), { className: "toast", textContent: text });
  p.setAttribute("role", "alert");
  document.body.append(p);
  setTimeout(() => p.remove(), 4000);
}

/**
 * Sends the composer with its files through XMLHttpRequest (fetch cannot report upload
 * progress) and swaps the answer in as htmx would; true when the message was sent.
 */
export function sendWithFiles(form) {
  const progress = $(".upload-progress", form);
  const data = new FormData(form);
  data.delete("edit_id");
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.getAttribute("hx-post"));
  xhr.setRequestHeader("HX-Request", "true");
  progress.hidden = false;
  progress.value = 0;
  xhr.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
  });
  return new Promise((resolve) => {
    xhr.addEventListener("loadend", async () => {
      progress.hidden = true;
      const sent = xhr.status >= 200 && xhr.status < 300;
      const list = document.getElementById(`messages-${form.dataset.conversationId}`);
      if (!sent) toast(strings.upload_failed);
      else if (list) {
        await htmx.swap({
          text: xhr.responseText,
          target: list,
          swap: form.getAttribute("hx-swap"),
          sourceElement: form,
        });
      }
      resolve(sent);
    });
    xhr.send(data);
  });
}
