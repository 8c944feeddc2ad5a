// Files for the composer: chosen or dropped, listed, then sent with a progress bar.
import { $, el, sizeText, strings } from "./format.js";

/** Lists the chosen files under the composer. */
export function listFiles(form) {
  const item = (f) => el("li", "", `${f.name} (${sizeText(f.size)})`);
  $(".file-list", form).replaceChildren(...Array.from(form.elements.attachments.files, item));
}

/** Files chosen or dropped anywhere on the composer join the ones already there. */
export function setupUploads(form) {
  const files = form.elements.attachments;
  const dragging = (on) => (e) => {
    e.preventDefault();
    if (on || !form.contains(e.relatedTarget)) form.classList.toggle("dragging", on);
  };
  files.addEventListener("change", () => listFiles(form));
  for (const type of ["dragenter", "dragover"]) form.addEventListener(type, dragging(true));
  form.addEventListener("dragleave", dragging(false));
  form.addEventListener("drop", (e) => {
    dragging(false)(e);
    const all = new DataTransfer();
    for (const f of [...files.files, ...e.dataTransfer.files]) all.items.add(f);
    files.files = all.files;
    listFiles(form);
  });
}

/** Sends the composer with XMLHttpRequest (fetch cannot report upload progress); true when sent. */
export function sendWithFiles(form) {
  const [progress, xhr, data] = [$(".upload-progress", form), new XMLHttpRequest(), new FormData(form)];
  data.delete("edit_id");
  xhr.open("POST", form.getAttribute("hx-post"));
  xhr.setRequestHeader("HX-Request", "true");
  xhr.upload.addEventListener("progress", (e) => progress.value = Math.round((e.loaded / e.total) * 100) || 0);
  Object.assign(progress, { hidden: false, value: 0 });
  xhr.send(data);
  return new Promise((resolve) =>
    xhr.addEventListener("loadend", async () => {
      const [sent, list] = [xhr.status >= 200 && xhr.status < 300, $(`#messages-${form.dataset.conversationId}`)];
      const toast = Object.assign(el("p", "toast", strings.upload_failed), { role: "alert" });
      progress.hidden = true;
      if (!sent) document.body.append(toast);
      if (!sent) setTimeout(() => toast.remove(), 4000);
      if (sent && list) {
        await htmx.swap({
          text: xhr.responseText,
          target: list,
          swap: form.getAttribute("hx-swap"),
          sourceElement: form,
        });
      }
      resolve(sent);
    })
  );
}
