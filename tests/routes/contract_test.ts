import assert from "node:assert/strict";
import { openSession } from "../../chat/accounts/accounts.ts";
import { createApp } from "../../main.ts";
import { MAX_BODY_BYTES } from "../../server/security.ts";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { chunked, type RawRequest, rawRequest } from "./raw_http.ts";

/**
 * The HTTP contract over the real listener (`listen()` as `main.ts` starts it): no route
 * and no method answers 5xx, whatever body comes with it or however it is framed.
 */

const server = await startServer();
const acme = await seedTenant(server.deps, "acme", { bob: "member" });
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { ...acme.admin.auth, ...init.headers } });
const postJson = async (path: string, body: unknown) => {
  const res = await api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return await res.json();
};

/** A new group of the admin and bob. */
const newGroup = () =>
  postJson("/api/chat/conversations/", { kind: "group", title: "Team", participant_ids: [acme.users.bob.user.id] });

const conversation = await newGroup();
const message = await postJson(`/api/chat/conversations/${conversation.id}/messages/`, { content: "hello" });
await postJson(`/api/chat/messages/${message.id}/reactions/`, { emoji: "👍" });
const upload = new FormData();
upload.append("content", "a file");
upload.append("attachments", new File(["plain text"], "notes.txt", { type: "text/plain" }));
const withFile = await (await api(`/api/chat/conversations/${conversation.id}/messages/`, {
  method: "POST",
  body: upload,
})).json();
const invited = await postJson("/api/admin/users", { name: "Carol", email: "carol@acme.test", role: "member" });
const bot = await postJson("/api/admin/bots", { name: "Deploy", username: "deploybot" });
const webhook = await postJson("/api/admin/webhooks", {
  url: "https://93.184.215.14/hook",
  events: ["message.created"],
});
const ids: Record<string, string> = {
  conversation: conversation.id,
  bot: bot.id,
  message: message.id,
  attachment: withFile.attachments[0].id,
  user: acme.users.bob.user.id,
  invite: new URL(invited.invite_url).pathname.split("/").at(-1)!,
  webhook: webhook.id,
};

/** A real id of the seeded workspace for a route parameter, chosen by the segment before it. */
function paramValue(previous: string, param: string): string {
  const choice = /^:\w+\{([^|}]+)/.exec(param);
  if (choice) return choice[1];
  if (param === ":userId" || previous === "users" || previous === "people") return ids.user;
  if (previous === "logo") return "0".repeat(32);
  if (param === ":token") return ids.invite;
  if (previous === "conversations" || previous === "c") return ids.conversation;
  if (previous === "messages") return ids.message;
  if (previous === "attachments") return ids.attachment;
  if (previous === "webhooks") return ids.webhook;
  if (previous === "context") return "task";
  if (previous === "bots") return ids.bot;
  if (previous === "support") return ids.conversation;
  if (previous === ":type") return "45";
  if (previous === "secrets") return "k_unknown";
  throw new Error(`no value for ${param} after /${previous}/: add one so the route is covered`);
}

/** The route's path with parameters filled in; long polls are asked not to wait. */
function concretePath(pattern: string): string {
  const segments = pattern.split("/");
  const path = segments.map((s, i) => s.startsWith(":") ? paramValue(segments[i - 1], s) : s).join("/");
  return path.endsWith("/events/poll") ? `${path}?after=0&timeout=0` : path;
}

const routeList = createApp(server.deps).routes;
const registered = new Map<string, Set<string>>();
for (const route of routeList) {
  if (route.method === "ALL" || route.path.includes("*")) continue;
  const methods = registered.get(route.path) ?? new Set<string>();
  registered.set(route.path, methods.add(route.method));
}
/** Changes that end what later requests rely on (the session, the membership, the message) go last. */
const destructive = (path: string, method: string) =>
  method === "DELETE" || /\/(leave|logout|delete)$/.test(path) ? 1 : 0;
const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const cases = [...registered.keys()].flatMap((path) => ALL_METHODS.map((method) => ({ path, method })))
  .sort((a, b) => destructive(a.path, a.method) - destructive(b.path, b.method));

const BODIES: Record<string, Pick<RawRequest, "headers" | "body">> = {
  "no body": {},
  "an empty body": { headers: { "content-type": "application/json", "content-length": "0" }, body: [] },
  "{}": { headers: { "content-type": "application/json", "content-length": "2" }, body: ["{}"] },
  "a chunked JSON body": {
    headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    body: chunked('{"con', 'tent": "x"}'),
  },
  "a chunked form body": {
    headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
    body: chunked("content=", "x&emoji=y"),
  },
  "a wrong Content-Type": { headers: { "content-type": "text/plain", "content-length": "2" }, body: ["{}"] },
  "a multipart type without parts": {
    headers: { "content-type": "multipart/form-data; boundary=zzz", "content-length": "2" },
    body: ["{}"],
  },
};

/** A fresh session for routes that end the one they are sent with. */
async function cookieFor(path: string): Promise<string> {
  const token = path.endsWith("/logout")
    ? await openSession(server.deps.database.db, server.deps.keys, acme.admin.user)
    : acme.admin.token;
  return `parley_session=${token}`;
}

async function everyRouteAndMethod() {
  const failures: string[] = [];
  const statuses = new Map<string, number>();

  for (const { path, method } of cases) {
    const target = concretePath(path);
    await Promise.all(
      [false, true].flatMap((signedIn) =>
        Object.entries(BODIES).map(async ([what, body]) => {
          const headers = { ...body.headers, ...(signedIn ? { cookie: await cookieFor(path) } : {}) };
          const label = `${method} ${path} ${signedIn ? "signed in" : "signed out"} with ${what}`;
          try {
            const res = await rawRequest(server.url, { method, path: target, ...body, headers });
            statuses.set(label, res.status);
            if (res.status < 200 || res.status >= 500) {
              failures.push(`${label}: ${res.status} ${res.body.slice(0, 120)}`);
            }
            if (Object.keys(res.headers).some((h) => h.startsWith("access-control-"))) {
              failures.push(`${label}: grants CORS`);
            }
            const allow = res.headers.allow?.split(", ") ?? [];
            if (
              method === "OPTIONS" &&
              (res.status !== 204 || ![...registered.get(path)!].every((m) => allow.includes(m)))
            ) {
              failures.push(`${label}: ${res.status} Allow: ${res.headers.allow}`);
            }
          } catch (e) {
            failures.push(`${label}: ${e instanceof Error ? e.message : e}`);
          }
        })
      ),
    );
  }

  assert.deepEqual(failures, []);
  // the signed-in requests reached the handlers: the session held to the end
  const handled = [...statuses].filter(([label, status]) => label.includes("signed in") && status < 300);
  assert.ok(handled.length > 100, `only ${handled.length} signed-in requests succeeded`);
  assert.equal(statuses.get("GET /api/me signed in with no body"), 200);
  // event streams opened (the client hung up once their head arrived)
  assert.equal(statuses.get("GET /api/chat/events signed in with no body"), 200);
  assert.equal(statuses.get("GET /ui/events signed in with no body"), 200);
  assert.equal(statuses.get("POST /api/auth/logout signed in with no body"), 200);
}

async function optionsGrantNoCors() {
  const known = await rawRequest(server.url, {
    method: "OPTIONS",
    path: `/api/chat/messages/${ids.message}/`,
    headers: { origin: "https://other.example", "access-control-request-method": "DELETE" },
  });
  const unknown = await rawRequest(server.url, { method: "OPTIONS", path: "/no/such/thing" });

  assert.equal(known.status, 204);
  assert.equal(known.headers.allow, "DELETE, GET, HEAD, OPTIONS, PATCH");
  assert.equal(unknown.status, 404);
  for (const res of [known, unknown]) {
    assert.deepEqual(Object.keys(res.headers).filter((h) => h.startsWith("access-control-")), []);
  }
}

async function bodylessUnsafeRequests() {
  const cookie = `parley_session=${acme.users.bob.token}`;
  const bare = (method: string, path: string, headers: Record<string, string> = { cookie }) =>
    rawRequest(server.url, { method, path, headers });
  const group = (await newGroup()).id;
  const own = await (await fetch(`${server.url}/api/chat/conversations/${group}/messages/`, {
    method: "POST",
    headers: { ...acme.users.bob.auth, "content-type": "application/json" },
    body: JSON.stringify({ content: "mine, to delete" }),
  })).json();

  const typing = await bare("POST", `/api/chat/conversations/${group}/typing/`);
  const read = await bare("POST", `/api/chat/conversations/${group}/mark_read/`);
  const archived = await bare("PATCH", `/api/chat/conversations/${group}/archive/`);
  const deleted = await bare("DELETE", `/api/chat/messages/${own.id}/`);
  const session = await openSession(server.deps.database.db, server.deps.keys, acme.users.bob.user);
  const loggedOut = await bare("POST", "/api/auth/logout", { authorization: `Bearer ${session}` });
  const after = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${session}` } });
  const pageSession = await openSession(server.deps.database.db, server.deps.keys, acme.users.bob.user);
  const pageLogout = await bare("POST", "/logout", { cookie: `parley_session=${pageSession}` });
  const afterPage = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${pageSession}` } });
  const state = await (await fetch(`${server.url}/api/chat/conversations/${group}`, {
    headers: acme.users.bob.auth,
  })).json();
  const kept = await fetch(`${server.url}/api/chat/conversations/${group}/messages/?limit=100`, {
    headers: acme.users.bob.auth,
  });

  assert.deepEqual(
    [typing.status, read.status, archived.status, deleted.status, loggedOut.status],
    [200, 200, 200, 200, 200],
  );
  assert.equal(JSON.parse(loggedOut.body).status, "ok");
  assert.equal(after.status, 401);
  await after.body?.cancel();
  assert.equal(pageLogout.status, 303);
  assert.match(pageLogout.headers["set-cookie"] ?? "", /^parley_session=;/);
  assert.equal(afterPage.status, 401);
  await afterPage.body?.cancel();
  assert.equal(state.is_archived, true);
  const listed = (await kept.json()) as { id: string; is_deleted: boolean; content: string }[];
  const gone = listed.find((m) => m.id === own.id);
  assert.equal(gone?.is_deleted ?? true, true);
  assert.notEqual(gone?.content, "mine, to delete");
}

async function chunkedBodies() {
  const form = `workspace=acme&email=bob%40acme.test&password=${encodeURIComponent(acme.users.bob.password)}`;

  const login = await rawRequest(server.url, {
    method: "POST",
    path: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
    body: chunked(form.slice(0, 10), form.slice(10)),
  });
  const text = await rawRequest(server.url, {
    method: "POST",
    path: `/api/chat/conversations/${(await newGroup()).id}/messages/`,
    headers: {
      authorization: `Bearer ${acme.users.bob.token}`,
      "content-type": "text/plain",
      "transfer-encoding": "chunked",
    },
    body: chunked("just ", "text"),
  });

  assert.equal(login.status, 303);
  assert.match(login.headers["set-cookie"] ?? "", /^parley_session=/);
  assert.equal(text.status, 400);
  assert.equal(JSON.parse(text.body).error.code, "bad_request");
}

async function oversizedBodies() {
  const total = 64 * 1024 * 1024;
  const declared = await rawRequest(server.url, {
    method: "POST",
    path: "/api/auth/login",
    headers: { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) },
    body: ["{"],
  });
  const streamed = await sendChunkedUntilClosed(server.url, "/api/auth/login", total);

  assert.equal(declared.status, 413);
  assert.equal(streamed.status, 413);
  assert.equal(streamed.answer.error.code, "payload_too_large");
  // the connection was closed long before the client could send everything
  assert.ok(streamed.sent < total / 4, `the server took ${streamed.sent} of ${total} bytes`);
}

/** Streams a chunked body of `total` bytes until done or until the server closes the connection. */
async function sendChunkedUntilClosed(url: string, path: string, total: number) {
  const { default: net } = await import("node:net");
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  const received: Buffer[] = [];
  let open = true;
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  socket.on("error", () => open = false);
  const closed = new Promise((resolve) => socket.on("close", resolve)).then(() => open = false);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const piece = new Uint8Array(64 * 1024).fill(0x20);
  const frame = Buffer.concat([Buffer.from(`${piece.byteLength.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
  let sent = 0;
  while (open && sent < total) {
    const more = socket.write(frame);
    sent += piece.byteLength;
    if (!more) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), closed]);
  }
  if (open) socket.end("0\r\n\r\n");
  await closed;
  const text = Buffer.concat(received).toString("utf8");
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  const body = text.slice(head.length + 4);
  return { status: Number(head.split(" ")[1]), answer: JSON.parse(body), sent };
}

Deno.test("over the real listener, no request answers 5xx and each answers as the contract says", async (t) => {
  try {
    await t.step("every route and method answers 2xx, 3xx or 4xx, never 5xx, whatever the body", everyRouteAndMethod);
    await t.step("OPTIONS answers 204 with the allowed methods, or 404, and never grants CORS", optionsGrantNoCors);
    await t.step("unsafe requests without a body (no Content-Length) do what they say", bodylessUnsafeRequests);
    await t.step("chunked bodies of any type are read as they come, and bad ones get a 400", chunkedBodies);
    await t.step("a body over the limit is refused as it crosses it, without reading the rest", oversizedBodies);
  } finally {
    await server.close();
  }
});
