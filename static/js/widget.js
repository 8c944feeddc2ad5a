// The widget: a chat bar that opens a panel of three tabs, inside its host page's iframe. The
// host page's loader (/widget.js) talks to it by postMessage: it hands over a session or an
// SSO token, opens and closes it, and says whether the host tab is visible. Only origins the
// workspace allows are listened to. The session lives in this page's memory and goes out as
// a Bearer header, so no third-party cookie is needed; signed out, the widget is a bar.
import { $, $$, setViewer } from "./format.js";
import { nearBottom, openPane, readIfUnread, scrollToEnd, setReadGate } from "./pane.js";

const body = document.body;
const embedded = body.classList.contains("widget");
const patterns = JSON.parse(body.dataset.embedOrigins || "[]").map((o) =>
  new RegExp(`^${o.replace(/[.?+^$|()[\]{}\\]/g, "\\$&").replace("*\\.", "[a-z0-9-]+(\\.[a-z0-9-]+)*\\.")}$`)
);
let [session, host, hostVisible, sso, popup, pending, unread] = [null, null, true, false, null, null, -1];

/** True for the widget's own origin or one the workspace allows (exact, or `https://*.example.com`). */
export const allowedHost = (origin) => origin === location.origin || patterns.some((p) => p.test(origin));
const tell = (type, data = {}) => host && parent.postMessage({ parley: type, ...data }, host);

/** Shows one tab; the conversation opens at its newest message. */
export function selectTab(id) {
  for (const tab of $$(".widget-tab")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === id));
    document.getElementById(tab.dataset.tab).hidden = tab.dataset.tab !== id;
  }
  if (id === "tab-chat") scrollToEnd(openPane()), readIfUnread();
}

function setOpen(open) {
  const panel = $("#widget-panel");
  if (!panel) return;
  panel.hidden = !open;
  $("#chat-bar").setAttribute("aria-expanded", String(open));
  tell(open ? "opened" : "closed"); // the loader resizes the iframe
  if (open && !$("#tab-chat").hidden) scrollToEnd(openPane()), readIfUnread();
}

// a conversation counts as read only while the panel shows it at its end in a visible host tab
setReadGate((pane) =>
  !embedded || !$("#widget-panel").hidden && !$("#tab-chat").hidden && hostVisible &&
    nearBottom($(".message-scroller", pane))
);

async function start(token) {
  session = token;
  tell("session", { token }); // kept by the loader, so a reloaded frame gets it back
  await htmx.ajax("GET", "/ui/widget", { target: "#widget-root", swap: "outerHTML" });
}

async function exchange(token) {
  const res = await fetch("/api/auth/sso", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  if (res.ok) return start((await res.json()).token);
  tell("signed-out");
}

function signedOut() {
  session = null;
  tell("signed-out");
  location.replace(location.href);
}

const auth = () => session ? { Authorization: `Bearer ${session}` } : {};

function run(action) {
  if (!$("#widget-panel")) return pending = action;
  if (action.parley === "open-conversation") {
    htmx.ajax("GET", `/ui/conversations/${encodeURIComponent(action.id)}`, { target: "#pane" });
    return setOpen(true);
  }
  const path = `/api/chat/context/${encodeURIComponent(action.type)}/${encodeURIComponent(action.id)}/`;
  const query = action.title ? `?title=${encodeURIComponent(action.title)}` : "";
  fetch(path + query, { headers: auth() }).then((r) => r.ok && r.json())
    .then((room) => room && run({ parley: "open-conversation", id: room.id }));
}

addEventListener("message", (e) => {
  const msg = e.data;
  if (typeof msg?.parley !== "string") return;
  if (e.source === popup && e.origin === location.origin && msg.parley === "session") return start(msg.token);
  if (e.source !== parent || parent === window || !allowedHost(e.origin)) return;
  host = e.origin;
  if (msg.parley === "hello") {
    [hostVisible, sso, unread] = [msg.visible !== false, !!msg.sso, -1];
    tell("ready", { signedIn: !!$("#widget-panel") });
    if ($("#widget-panel")) tell("unread", { count: unread = Number($("#unread-total")?.dataset.count || 0) });
  } else if (msg.parley === "session") start(msg.token);
  else if (msg.parley === "token") exchange(msg.token);
  else if (msg.parley === "open" || msg.parley === "close") setOpen(msg.parley === "open");
  else if (msg.parley === "visibility") (hostVisible = !!msg.visible) && readIfUnread();
  else if (msg.parley === "open-conversation" || msg.parley === "open-context") run(msg);
});

document.addEventListener("click", (e) => {
  const tab = e.target.closest?.(".widget-tab");
  if (tab) selectTab(tab.dataset.tab);
  if (e.target.closest?.("#chat-bar")) setOpen($("#widget-panel").hidden);
  if (!e.target.closest?.("#sign-in-bar")) return;
  if (sso) return tell("need-token");
  popup = open(`/widget/sign-in?workspace=${encodeURIComponent(body.dataset.workspace)}`, "parley-sign-in", "popup");
});

document.addEventListener("htmx:config:request", ({ detail: { ctx } }) => {
  if (!embedded) return;
  ctx.request.headers["X-Parley-Widget"] = "1";
  Object.assign(ctx.request.headers, auth());
});
// (a page is sent to sign-in by the server's HX-Redirect instead)
document.addEventListener("htmx:response:error", ({ detail: { ctx } }) => {
  if (embedded && ctx?.response?.status === 401) signedOut();
});
document.addEventListener("parley:session-ended", signedOut);
document.addEventListener("htmx:after:swap", () =>
  setTimeout(() => {
    const root = $("#widget-root[data-user-id]");
    if (root && root.dataset.userId !== body.dataset.userId) setViewer(root.dataset.userId);
    if (root && pending) run(pending), pending = null;
    const count = Number($("#unread-total")?.dataset.count || 0);
    if (count !== unread) tell("unread", { count: unread = count });
  }));

// the sign-in popup's last page hands its session to the widget that opened it
const handoff = $(".widget-handoff [data-session]");
if (handoff && opener) {
  opener.postMessage({ parley: "session", token: handoff.dataset.session }, location.origin), close();
}
