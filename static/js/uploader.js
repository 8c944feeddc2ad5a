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

// A file dropped anywhere but on a composer would make the browser leave the page to show it.
for (const type of ["dragover", "drop"]) {
  document.addEventListener(type, (e) => {
    if (e.defaultPrevented || !e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "none";
  });
}

/**
 * The fetch that htmx sends the composer's files with: XMLHttpRequest reports the upload's
 * progress, which fetch cannot. The answer, an error toast included, is htmx's to swap; a
 * send that never got one says so here.
 */
export function fetchWithProgress(form) {
  const progress = $(".upload-progress", form);
  return (url, init) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init.method, url);
      for (const [name, value] of Object.entries(init.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener("progress", (e) => progress.value = Math.round((e.loaded / e.total) * 100) || 0);
      xhr.addEventListener("loadend", () => {
        progress.hidden = true;
        if (xhr.status) return resolve(new Response(xhr.responseText, { status: xhr.status }));
        const toast = Object.assign(el("p", "toast", strings.upload_failed), { role: "alert" });
        document.body.append(toast);
        setTimeout(() => toast.remove(), 4000);
        reject(new TypeError("Cannot send files: the connection failed"));
      });
      Object.assign(progress, { hidden: false, value: 0 });
      xhr.send(init.body);
    });
}
