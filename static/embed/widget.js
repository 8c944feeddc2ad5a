// Parley's embed loader, for host pages:
//   <script src="https://CHAT/widget.js" data-workspace="acme" async></script>
// It adds one fixed iframe (the widget, on Parley's origin), collapsed to its chat bar, and
// the `Parley` API. Tokens go to the frame by postMessage addressed to Parley's origin only,
// never in a URL; the frame answers only hosts its workspace allows.
(() => {
  if (globalThis.Parley && globalThis.Parley.frame) return;
  const script = document.currentScript;
  const origin = new URL(script.src).origin;
  const workspace = script.getAttribute("data-workspace") || "";
  const READY_TIMEOUT_MS = 10000;
  const SIZE = { closed: ["300px", "64px"], open: ["400px", "680px"] };
  const queue = [];
  let ready = false, session = null, token = null, provider = null, asked = 0, timer;

  const frame = document.createElement("iframe");
  frame.src = `${origin}/widget?workspace=${encodeURIComponent(workspace)}`;
  frame.title = "Chat";
  Object.assign(frame.style, {
    position: "fixed",
    right: "0",
    bottom: "0",
    border: "0",
    zIndex: "2147483000",
    background: "transparent",
    colorScheme: "normal",
    maxWidth: "100vw",
    maxHeight: "100vh",
  });
  resize("closed");

  function resize(state) {
    [frame.style.width, frame.style.height] = SIZE[state];
  }

  function emit(name, detail) {
    globalThis.dispatchEvent(new CustomEvent(`parley:${name}`, { detail }));
  }

  function post(type, data) {
    const message = Object.assign({ parley: type }, data);
    if (!ready) return queue.push(message);
    frame.contentWindow.postMessage(message, origin);
  }

  function hello() {
    // addressed to Parley's origin: a frame showing anything else never receives it
    frame.contentWindow.postMessage({ parley: "hello", visible: !document.hidden, sso: !!(token || provider) }, origin);
  }

  async function signIn() {
    if (session) return post("session", { token: session });
    let next = token;
    token = null;
    // a token provider is asked at most every 5 s, so a refused token cannot loop
    if (!next && provider && Date.now() - asked > 5000) {
      asked = Date.now();
      try {
        next = await provider();
      } catch (e) {
        console.error("Parley: tokenProvider failed", e);
      }
    }
    if (next) post("token", { token: next });
  }

  function unavailable() {
    frame.remove();
    const bar = document.createElement("div");
    bar.setAttribute("role", "status");
    bar.className = "parley-unavailable";
    bar.textContent = "Chat is not available on this site";
    Object.assign(bar.style, {
      position: "fixed",
      right: "12px",
      bottom: "12px",
      zIndex: "2147483000",
      padding: "8px 14px",
      borderRadius: "999px",
      background: "#555",
      color: "#fff",
      font: "14px system-ui, sans-serif",
    });
    document.body.appendChild(bar);
  }

  globalThis.addEventListener("message", (e) => {
    const msg = e.data;
    if (e.source !== frame.contentWindow || e.origin !== origin || !msg || typeof msg.parley !== "string") return;
    if (msg.parley === "ready") {
      clearTimeout(timer);
      const first = !ready;
      ready = true;
      queue.splice(0).forEach((m) => frame.contentWindow.postMessage(m, origin));
      if (!msg.signedIn) signIn();
      if (first) emit("ready", {});
    } else if (msg.parley === "session") session = msg.token;
    else if (msg.parley === "signed-out") {
      session = null;
      emit("signed-out", {});
      signIn();
    } else if (msg.parley === "need-token") signIn();
    else if (msg.parley === "unread") emit("unread", { count: msg.count });
    else if (msg.parley === "opened" || msg.parley === "closed") resize(msg.parley === "opened" ? "open" : "closed");
  });

  // every load (a reload of the frame too) starts over: hello, ready, the session again
  frame.addEventListener("load", () => {
    ready = false;
    hello();
  });
  document.addEventListener("visibilitychange", () => post("visibility", { visible: !document.hidden }));

  globalThis.Parley = {
    frame,
    /** SSO: a host-signed token, or a function that fetches a fresh one from the host's backend. */
    init(options) {
      token = options && options.token || null;
      provider = options && options.tokenProvider || null;
      if (ready && !session) signIn();
    },
    open: () => post("open"),
    close: () => post("close"),
    openConversation: (id) => post("open-conversation", { id: String(id) }),
    openContext: (type, id, title) => post("open-context", { type: String(type), id: String(id), title }),
  };

  function mount() {
    document.body.appendChild(frame);
    timer = setTimeout(unavailable, READY_TIMEOUT_MS);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
