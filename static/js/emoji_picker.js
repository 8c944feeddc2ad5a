// The emoji picker: opened from a message's toolbar it reacts with the emoji chosen, from the
// composer it inserts it at the caret. Typing filters the emoji by their words.
import { $, $$ } from "./format.js";

const picker = $("#emoji-picker");
let chosen = null;
let opener = null;

function open(button, onChoose) {
  [chosen, opener] = [onChoose, button];
  const search = $(".emoji-search", picker);
  search.value = "";
  filter("");
  picker.setAttribute("aria-label", button.getAttribute("aria-label"));
  picker.hidden = false;
  // beside the button that opened it, inside the window
  const at = button.getBoundingClientRect();
  const top = at.top - picker.offsetHeight - 4 > 0 ? at.top - picker.offsetHeight - 4 : at.bottom + 4;
  const left = Math.max(4, Math.min(at.left, innerWidth - picker.offsetWidth - 4));
  Object.assign(picker.style, { top: `${Math.max(4, top)}px`, left: `${left}px` });
  search.focus();
}

function close(refocus) {
  if (picker.hidden) return;
  picker.hidden = true;
  if (refocus) opener?.focus();
}

function filter(query) {
  const words = query.trim().toLowerCase();
  let shown = 0;
  for (const option of $$(".emoji-option", picker)) {
    option.hidden = !!words && !option.dataset.words.includes(words);
    if (!option.hidden) shown++;
  }
  $(".emoji-empty", picker).hidden = shown > 0;
}

const options = () => $$(".emoji-option:not([hidden])", picker);

function insert(input, text) {
  const [start, end] = [input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length];
  input.setRangeText(text, start, end, "end");
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
}

if (picker) {
  document.addEventListener("click", (e) => {
    const option = e.target.closest?.(".emoji-option");
    const react = e.target.closest?.("#message-actions [data-action=pick]");
    const compose = e.target.closest?.(".composer .emoji-button");
    if (option) {
      const emoji = option.dataset.emoji;
      close(false);
      chosen?.(emoji);
    } else if (react) {
      const id = react.closest(".message").dataset.messageId;
      open(react, (emoji) => {
        htmx.ajax("POST", `/ui/messages/${id}/react`, { source: react, values: { emoji }, swap: "none" });
        react.closest(".message")?.focus();
      });
    } else if (compose) {
      const input = compose.form.elements.content;
      open(compose, (emoji) => insert(input, emoji));
    } else if (!picker.contains(e.target)) close(false);
  });
  picker.addEventListener("input", (e) => filter(e.target.value));
  picker.addEventListener("keydown", (e) => {
    const list = options();
    const at = list.indexOf(e.target);
    if (e.key === "Escape") close(true);
    else if (e.key === "Enter" && e.target.matches(".emoji-search")) list[0]?.click();
    else if (e.key === "ArrowDown" && at < 0) list[0]?.focus();
    else if (e.key === "ArrowRight" || e.key === "ArrowDown") list[Math.min(at + 1, list.length - 1)]?.focus();
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") (at > 0 ? list[at - 1] : $(".emoji-search", picker)).focus();
    else return;
    e.preventDefault();
  });
}
