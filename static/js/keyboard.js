// Keyboard use of the message list: the list is one tab stop (the message last focused, else
// the newest); arrow keys move between messages, Enter opens the message's actions, Escape
// closes them and goes back to the message.
import { $, $$ } from "./format.js";

/** Keeps one message of the list in the tab order. */
export function keepTabStop(list) {
  const messages = $$(".message", list);
  if (!messages.some((m) => m.tabIndex === 0) && messages.length) messages.at(-1).tabIndex = 0;
}

function moveTo(message) {
  if (!message) return;
  for (const m of $$(".message[tabindex='0']", message.parentElement)) m.tabIndex = -1;
  message.tabIndex = 0;
  message.focus();
}

const visibleButtons = (toolbar) => $$("button", toolbar).filter((b) => b.checkVisibility());

document.addEventListener("focusin", (e) => {
  const message = e.target.classList?.contains("message") ? e.target : null;
  if (message && message.tabIndex !== 0) moveTo(message);
});
document.addEventListener("keydown", (e) => {
  const message = e.target.closest?.(".message");
  if (!message || e.altKey || e.ctrlKey || e.metaKey) return;
  const toolbar = $("#message-actions", message);
  if (e.target === message) {
    const messages = $$(".message", message.parentElement);
    const at = messages.indexOf(message);
    const next = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: messages.length - 1 }[e.key];
    if (next !== undefined) moveTo(messages[Math.max(0, next)]);
    else if (e.key === "Enter" && toolbar) {
      toolbar.hidden = false;
      visibleButtons(toolbar)[0]?.focus();
    } else return;
    e.preventDefault();
  } else if (toolbar?.contains(e.target)) {
    const buttons = visibleButtons(toolbar);
    const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (step) buttons[(buttons.indexOf(e.target) + step + buttons.length) % buttons.length]?.focus();
    else if (e.key === "Escape") {
      message.focus();
      toolbar.hidden = true;
    } else return;
    e.preventDefault();
  }
});
