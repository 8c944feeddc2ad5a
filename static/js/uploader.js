// Files for the composer: chosen or dropped, listed, then sent with a progress bar.
import { $, el, fill, sizeText, strings } from "./format.js";

/** Lists the chosen files under the composer. */
export function listFiles(form) {
  const item = (f) => el("li", "", `${f.name} (${sizeText(f.size)})`);
  $(".file-list", form).replaceChildren(...Array.from(form.elements.attachments.files, item));
}

/**
 * Adds files to the composer; one over the server's limit is refused here, with the limit
 * named, instead of after its upload.
 */
function addFiles(form, added) {
  const [files, all, limit] = [form.elements.attachments, new DataTransfer(), Number(form.dataset.maxUploadMb)];
  const tooLarge = [];
  for (const f of [...files.files, ...added]) {
    if (limit && f.size > limit * 1024 * 1024) tooLarge.push(f.name);
    else all.items.add(f);
  }
  files.files = all.files;
  listFiles(form);
  $(".composer-notice", form).textContent = tooLarge.map((name) => fill(strings.file_too_large, { name, mb: limit }))
    .join(" ");
}

/** Files chosen or dropped anywhere on the composer join the ones already there. */
export function setupUploads(form) {
  const files = form.elements.attachments;
  const dragging = (on) => (e) => {
    e.preventDefault();
    if (on || !form.contains(e.relatedTarget)) form.classList.toggle("dragging", on);
  };
  files.addEventListener("change", () => addFiles(form, []));
  for (const type of ["dragenter", "dragover"]) form.addEventListener(type, dragging(true));
  form.addEventListener("dragleave", dragging(false));
  form.addEventListener("drop", (e) => {
    dragging(false)(e);
    addFiles(form, e.dataTransfer.files);
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
        const headers = xhr.getAllResponseHeaders().trim().split(/[\r\n]+/).filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]);
        if (xhr.status) return resolve(new Response(xhr.responseText, { status: xhr.status, headers }));
        const toast = Object.assign(el("p", "toast", strings.upload_failed), { role: "alert" });
        document.body.append(toast);
        setTimeout(() => toast.remove(), 4000);
        reject(new TypeError("Cannot send files: the connection failed"));
      });
      Object.assign(progress, { hidden: false, value: 0 });
      xhr.send(init.body);
    });
}
