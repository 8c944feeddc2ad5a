// The widget: a chat bar that opens a panel of three tabs, inside its host page's iframe.
import { $, $$ } from "./format.js";
import { openPane, scrollToEnd } from "./pane.js";

/** Shows one tab; the conversation opens at its newest message. */
export function selectTab(id) {
  for (const tab of $$(".widget-tab")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === id));
    document.getElementById(tab.dataset.tab).hidden = tab.dataset.tab !== id;
  }
  if (id === "tab-chat") scrollToEnd(openPane());
}

document.addEventListener("click", (e) => {
  const tab = e.target.closest?.(".widget-tab");
  if (tab) selectTab(tab.dataset.tab);
  const bar = e.target.closest?.("#chat-bar");
  if (!bar) return;
  const panel = $("#widget-panel");
  panel.hidden = !panel.hidden;
  bar.setAttribute("aria-expanded", String(!panel.hidden));
  // the host page may resize the iframe to fit
  parent.postMessage({ parley: panel.hidden ? "closed" : "opened" }, "*");
});
