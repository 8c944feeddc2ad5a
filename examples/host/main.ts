// An example host application: its own sign-in, a backend that signs Parley SSO tokens
// (HS256, with a workspace SSO secret from the environment), and a page embedding the widget.
//
//   PARLEY_URL=http://localhost:8000 PARLEY_WORKSPACE=acme \
//   PARLEY_SSO_KID=k_… PARLEY_SSO_SECRET=… deno run --allow-net --allow-env examples/host/main.ts
import { SignJWT } from "jose";

/** What the host needs to know about Parley. */
export interface HostOptions {
  parleyUrl: string;
  workspace: string;
  kid: string;
  secret: string;
  /** The host's own people; every one signs in with the password "demo". */
  users?: Record<string, { name: string; email: string }>;
}

const DEFAULT_USERS = {
  alice: { name: "Alice Host", email: "alice@host.example" },
  bruno: { name: "Bruno Host", email: "bruno@host.example" },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const html = (body: string, headers: HeadersInit = {}) =>
  new Response(`<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Host app</title>${body}</html>`, {
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });

/** The host app as a fetch handler. */
export function createHostApp(options: HostOptions): (req: Request) => Promise<Response> {
  const users: Record<string, { name: string; email: string }> = options.users ?? DEFAULT_USERS;
  const sessions = new Map<string, string>();
  const key = new TextEncoder().encode(options.secret);
  const signedIn = (req: Request) => {
    const id = /(?:^|;\s*)host_session=([\w-]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
    return id ? sessions.get(id) : undefined;
  };

  return async (req) => {
    const url = new URL(req.url);
    const user = signedIn(req);
    if (req.method === "POST" && url.pathname === "/login") {
      const form = await req.formData();
      const name = String(form.get("username") ?? "");
      if (!users[name] || form.get("password") !== "demo") return html("<p>Wrong username or password</p>");
      const id = crypto.randomUUID();
      sessions.set(id, name);
      return new Response(null, {
        status: 303,
        headers: { location: "/", "set-cookie": `host_session=${id}; HttpOnly; SameSite=Lax; Path=/` },
      });
    }
    // the backend signs a short-lived, single-use token for the signed-in user
    if (url.pathname === "/parley-token") {
      if (!user) return new Response("sign in first", { status: 401 });
      const token = await new SignJWT({ name: users[user].name, email: users[user].email, role: "member" })
        .setProtectedHeader({ alg: "HS256", kid: options.kid })
        .setSubject(user)
        .setAudience(options.workspace)
        .setIssuedAt()
        .setExpirationTime("5m")
        .setJti(crypto.randomUUID())
        .sign(key);
      return Response.json({ token }, { headers: { "cache-control": "no-store" } });
    }
    if (url.pathname === "/host.js") {
      return new Response(HOST_JS, { headers: { "content-type": "text/javascript; charset=utf-8" } });
    }
    if (!user) {
      return html(`<h1>Host app</h1><form method="post" action="/login">
        <label>User <input name="username"></label> <label>Password <input name="password" type="password"></label>
        <button>Sign in</button></form>`);
    }
    return html(`<h1>Hello ${escape(users[user].name)}</h1>
      <p>Unread chat messages: <output id="host-unread">0</output></p>
      <button id="open-chat">Open chat</button> <button id="close-chat">Close chat</button>
      <script src="${escape(options.parleyUrl)}/widget.js" data-workspace="${escape(options.workspace)}" async></script>
      <script src="/host.js" defer></script>`);
  };
}

// The page's script: hands Parley a token provider (the backend above) and uses the host API.
const HOST_JS = `
function start() {
  Parley.init({ tokenProvider: () => fetch("/parley-token").then((r) => r.json()).then((j) => j.token) });
  document.getElementById("open-chat").onclick = () => Parley.open();
  document.getElementById("close-chat").onclick = () => Parley.close();
}
addEventListener("parley:unread", (e) => document.getElementById("host-unread").textContent = e.detail.count);
if (window.Parley) start();
else document.querySelector("script[data-workspace]").addEventListener("load", start);
`;

if (import.meta.main) {
  const env = (name: string) => {
    const value = Deno.env.get(name);
    if (!value) throw new Error(`Set ${name}`);
    return value;
  };
  const app = createHostApp({
    parleyUrl: env("PARLEY_URL"),
    workspace: env("PARLEY_WORKSPACE"),
    kid: env("PARLEY_SSO_KID"),
    secret: env("PARLEY_SSO_SECRET"),
  });
  Deno.serve({ port: Number(Deno.env.get("PORT") ?? 3000) }, app);
}
