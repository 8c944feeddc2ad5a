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
  const [tab, bar, panel] = [e.target.closest?.(".widget-tab"), e.target.closest?.("#chat-bar"), $("#widget-panel")];
  if (tab) selectTab(tab.dataset.tab);
  if (!bar) return;
  panel.hidden = !panel.hidden;
  bar.setAttribute("aria-expanded", String(!panel.hidden));
  parent.postMessage({ parley: panel.hidden ? "closed" : "opened" }, "*"); // the host page may resize the iframe
});
