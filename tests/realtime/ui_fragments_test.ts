import assert from "node:assert/strict";
import { type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

Deno.test("/ui/events: a new message moves each member's own row to the top of the list it is in, quotes its parent, and is announced to the others", async () => {
  const server = await startServer();
  const { admin, users: { bob, carol } } = await seedTenant(server.deps, "acme", { bob: "member", carol: "member" });
  const group = await createGroup(server, admin, [bob, carol], "Launch");
  const parent = await post(server, admin, group, { content: "Which day do we launch?" });
  await api(server, carol, "POST", `/api/chat/conversations/${group}/mark_read`);
  await api(server, bob, "PATCH", `/api/chat/conversations/${group}/archive`);
  const streams = await Promise.all([admin, bob, carol].map((u) => SseReader.open(`${server.url}/ui/events`, u.auth)));
  await Promise.all(streams.map((s) => s.count("connected", 1)));

  const reply = await post(server, admin, group, { content: "Friday, I think", parent_id: parent });
  const [own, bobs, carols] = await Promise.all(streams.map((s) => fragmentWith(s, `message-${reply}`)));

  // bob archived the conversation: his row goes on top of the archived list, carol's of the active one
  assert.match(bobs, rowOnTop(group, "true"));
  assert.match(carols, rowOnTop(group, "false"));
  assert.match(bobs, new RegExp(`id="unread-${group}"[^>]*data-count="2"`), "bob has read neither message");
  assert.match(carols, new RegExp(`id="unread-${group}"[^>]*data-count="1"`), "carol read the first one");
  for (const html of [own, bobs, carols]) {
    assert.match(html, /<span class="quote-text">Which day do we launch\?<\/span>/, "the parent is quoted");
  }
  assert.match(
    carols,
    /hx-target="#live-region"[^>]*>\s*<span data-message-id="[^"]+">New message from Admin acme: Friday, I think/,
  );
  assert.doesNotMatch(own, /live-region|parley-notice/, "the author is not told about their own message");
  await Promise.all(streams.map((s) => s.close()));
  await server.close();
});

Deno.test("a conversation page quotes a reply's parent that is on an older page", async () => {
  const server = await startServer();
  const { admin, users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const group = await createGroup(server, admin, [bob], "History");
  const parent = await post(server, admin, group, { content: "The original plan" });
  for (let i = 0; i < 40; i++) await post(server, bob, group, { content: `filler ${i}` });
  await post(server, bob, group, { content: "Back to the plan", parent_id: parent });

  const page = await fetch(`${server.url}/c/${group}`, { headers: { cookie: `parley_session=${bob.token}` } });
  const html = await page.text();

  assert.equal(page.status, 200);
  assert.ok(!html.includes(`id="message-${parent}"`), "the parent is not on the first page");
  assert.match(html, /<span class="quote-sender">Admin acme<\/span><span class="quote-text">The original plan<\/span>/);
  await server.close();
});

Deno.test("/ui/events/poll answers the events, then the poller that asks from the next cursor", async () => {
  const server = await startServer();
  const { admin, users: { bob } } = await seedTenant(server.deps, "acme", { bob: "member" });
  const group = await createGroup(server, admin, [bob], "Polled");
  await post(server, admin, group, { content: "while streams fail" });

  const res = await fetch(`${server.url}/ui/events/poll?after=0`, {
    headers: { cookie: `parley_session=${bob.token}`, "hx-request": "true" },
  });
  const html = await res.text();
  const next = res.headers.get("x-last-event-id");

  assert.equal(res.status, 200);
  assert.match(next ?? "", /^[1-9]\d*$/);
  assert.match(html, /while streams fail/);
  assert.match(html, new RegExp(`<div id="event-poll" hx-get="/ui/events/poll\\?after=${next}"[^>]*></div>$`));
  await server.close();
});

function rowOnTop(conversationId: string, archived: "true" | "false"): RegExp {
  const list = `\\.conv-list-wrap\\[data-archived=&quot;${archived}&quot;\\] &gt; \\.conv-list`;
  return new RegExp(
    `hx-target="#conv-${conversationId}" hx-swap="delete">.*hx-target="${list}" hx-swap="afterbegin">\\s*<li id="conv-${conversationId}"`,
    "s",
  );
}

async function fragmentWith(stream: SseReader, text: string): Promise<string> {
  const find = () => stream.of("message").find((m) => m.data.includes(text))?.data;
  await stream.until(() => find() !== undefined, 5000, `a fragment with ${text}`);
  return find()!;
}

async function api(server: Server, who: SeededUser, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...who.auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function createGroup(server: Server, owner: SeededUser, members: SeededUser[], title: string): Promise<string> {
  const body = { kind: "group", title, participant_ids: members.map((m) => m.user.id) };
  return (await api(server, owner, "POST", "/api/chat/conversations/", body)).id;
}

async function post(server: Server, who: SeededUser, conversationId: string, body: Record<string, string>) {
  return (await api(server, who, "POST", `/api/chat/conversations/${conversationId}/messages/`, body)).id as string;
}
