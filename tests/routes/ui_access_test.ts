import assert from "node:assert/strict";
import type { SeededUser } from "../helpers.ts";
import { browse, say, type UiWorld, uiWorld } from "./ui_world.ts";

type Attacker = "zed" | "outsider" | "carol" | "dan";

interface UiCall {
  method: "GET" | "POST";
  /** Called once per caller, so calls that use up their target (delete) get a fresh one. */
  path: (w: UiWorld) => string | Promise<string>;
  form?: (w: UiWorld) => Record<string, string>;
  allowed: (w: UiWorld) => SeededUser;
  status: number;
  /** Who must get 404; carol is left out only where the product lets any member in (channels, directs). */
  attackers?: Attacker[];
}

const EVERYONE: Attacker[] = ["zed", "outsider", "carol", "dan"];
const bob = (w: UiWorld) => w.bob;

const CALLS: Record<string, UiCall> = {
  "open the conversation page": { method: "GET", path: (w) => `/c/${w.group}`, allowed: bob, status: 200 },
  "open the conversation pane": {
    method: "GET",
    path: (w) => `/ui/conversations/${w.group}`,
    allowed: bob,
    status: 200,
  },
  "page older messages": {
    method: "GET",
    path: (w) => `/ui/conversations/${w.group}/messages?before_id=${w.message}`,
    allowed: bob,
    status: 200,
  },
  "send a message": {
    method: "POST",
    path: (w) => `/ui/conversations/${w.group}/messages`,
    form: () => ({ content: "hijacked" }),
    allowed: bob,
    status: 201,
  },
  "edit a message": {
    method: "POST",
    path: (w) => `/ui/messages/${w.message}/edit`,
    form: () => ({ content: "the launch code is 0000" }),
    allowed: bob,
    status: 200,
  },
  "react to a message": {
    method: "POST",
    path: (w) => `/ui/messages/${w.message}/react`,
    form: () => ({ emoji: "🔥" }),
    allowed: bob,
    status: 200,
  },
  "delete a message": {
    method: "POST",
    path: async (w) => `/ui/messages/${await say(w, w.bob, w.group, "short-lived")}/delete`,
    allowed: bob,
    status: 200,
  },
  "mark read": { method: "POST", path: (w) => `/ui/conversations/${w.group}/read`, allowed: bob, status: 200 },
  "signal typing": { method: "POST", path: (w) => `/ui/conversations/${w.group}/typing`, allowed: bob, status: 204 },
  "mute": { method: "POST", path: (w) => `/ui/conversations/${w.group}/mute`, allowed: bob, status: 200 },
  "unmute": { method: "POST", path: (w) => `/ui/conversations/${w.group}/unmute`, allowed: bob, status: 200 },
  "archive": { method: "POST", path: (w) => `/ui/conversations/${w.group}/archive`, allowed: bob, status: 200 },
  "unarchive": { method: "POST", path: (w) => `/ui/conversations/${w.group}/unarchive`, allowed: bob, status: 200 },
  "join a group": { method: "POST", path: (w) => `/ui/conversations/${w.group}/join`, allowed: bob, status: 200 },
  "join a channel": {
    method: "POST",
    path: (w) => `/ui/conversations/${w.channel}/join`,
    allowed: bob,
    status: 200,
    attackers: ["zed", "outsider", "dan"],
  },
  "start a direct conversation": {
    method: "POST",
    path: () => "/ui/direct",
    form: (w) => ({ user_id: w.bob.user.id }),
    allowed: (w) => w.admin,
    status: 200,
    attackers: ["zed", "outsider", "dan"],
  },
  "download an attachment": { method: "GET", path: (w) => w.attachmentUrl, allowed: bob, status: 200 },
};

async function call(w: UiWorld, who: SeededUser | null, c: UiCall, headers: Record<string, string> = {}) {
  return await browse(w, who, c.method, await c.path(w), c.form?.(w), { headers });
}

for (const [name, c] of Object.entries(CALLS)) {
  Deno.test(`UI: ${name} works for a participant and is 404 for outsiders, 401 signed out`, async () => {
    const w = await uiWorld();
    const allowed = await call(w, c.allowed(w), c);
    await allowed.body?.cancel();

    const denied: Record<string, number> = {};
    for (const who of c.attackers ?? EVERYONE) denied[who] = (await call(w, w[who], c)).status;
    const anonymousHtmx = await call(w, null, c);
    const anonymousPage = await call(w, null, c, { "hx-request": "" });

    assert.equal(allowed.status, c.status, `participant got ${allowed.status}`);
    for (const [who, status] of Object.entries(denied)) assert.equal(status, 404, `${who} got ${status}`);
    assert.equal(anonymousHtmx.status, 401);
    assert.ok(
      anonymousPage.status === 401 ||
        (anonymousPage.status === 303 && anonymousPage.headers.get("location") === "/login"),
      `signed out got ${anonymousPage.status}`,
    );
    await w.close();
  });
}

Deno.test("UI: a guest cannot create a group and a foreign workspace cannot add our people to one", async () => {
  const w = await uiWorld();
  const form = { kind: "group", title: "New team", participant_ids: [w.bob.user.id] };

  const allowed = await browse(w, w.admin, "POST", "/ui/groups", form);
  const foreign = await browse(w, w.zed, "POST", "/ui/groups", form);
  const guest = await browse(w, w.dan, "POST", "/ui/groups", form);
  const anonymous = await browse(w, null, "POST", "/ui/groups", form);
  const bobsList = await (await browse(w, w.bob, "GET", "/ui/conversations")).text();

  assert.equal(allowed.status, 200);
  assert.match(await allowed.text(), /New team/);
  assert.equal(foreign.status, 404);
  assert.equal(guest.status, 403);
  assert.equal(anonymous.status, 401);
  assert.equal(bobsList.match(/New team/g)?.length, 1, "only the admin's group reached bob");
  await w.close();
});

Deno.test("UI: the attempts of outsiders changed nothing in the conversation", async () => {
  const w = await uiWorld();
  const attackers = [w.zed, w.outsider, w.carol, w.dan];
  const survivor = await say(w, w.bob, w.group, "still here");

  for (const who of attackers) {
    await browse(w, who, "POST", `/ui/conversations/${w.group}/messages`, { content: "hijacked" });
    await browse(w, who, "POST", `/ui/messages/${w.message}/edit`, { content: "hijacked" });
    await browse(w, who, "POST", `/ui/messages/${w.message}/react`, { emoji: "🔥" });
    await browse(w, who, "POST", `/ui/messages/${survivor}/delete`);
    await browse(w, who, "POST", `/ui/conversations/${w.group}/archive`);
  }
  const page = await w.call(w.bob, "GET", `/conversations/${w.group}/messages/`);
  const list = await (await browse(w, w.bob, "GET", "/ui/conversations")).text();

  assert.equal(page.status, 200);
  const messages = page.body as { id: string; content: string; reactions: unknown[]; is_deleted?: boolean }[];
  assert.ok(messages.length >= 3);
  assert.ok(messages.every((m) => !m.content.includes("hijacked")));
  assert.ok(messages.every((m) => m.reactions.length === 0));
  assert.equal(messages.find((m) => m.id === survivor)?.content, "still here");
  assert.match(list, /Secret plans/, "the group is still in bob's active list");
  await w.close();
});

Deno.test("UI: outsiders' conversation lists and event polls never show the conversation", async () => {
  const w = await uiWorld();
  await w.deps.realtime.start();

  const own = await browse(w, w.bob, "GET", "/ui/events/poll?after=0");
  const ownText = await own.text();
  const ownList = await (await browse(w, w.bob, "GET", "/ui/conversations")).text();
  const seen: string[] = [];
  for (const who of [w.zed, w.outsider, w.carol, w.dan]) {
    // nothing may be waiting for them, so the poll is cut short instead of waiting 25 s
    const poll = await browse(w, who, "GET", "/ui/events/poll?after=0", undefined, {
      signal: AbortSignal.timeout(300),
    });
    assert.equal(poll.status, 200);
    seen.push(await poll.text());
    seen.push(await (await browse(w, who, "GET", "/ui/conversations")).text());
  }
  const anonymous = await browse(w, null, "GET", "/ui/events/poll?after=0");

  assert.equal(own.status, 200);
  assert.match(ownText, /the launch code is 0000/);
  assert.match(ownList, /Secret plans/);
  for (const body of seen) {
    assert.doesNotMatch(body, /launch code|Secret plans/);
    assert.ok(!body.includes(w.group));
  }
  assert.equal(anonymous.status, 401);
  await w.close();
});

Deno.test("UI: a cookie-authenticated cross-site form post is rejected and sends nothing", async () => {
  const w = await uiWorld();
  const path = `/ui/conversations/${w.group}/messages`;

  const sameOrigin = await browse(w, w.bob, "POST", path, { content: "from our page" });
  const foreignOrigin = await browse(w, w.bob, "POST", path, { content: "forged 1" }, {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
  });
  const sameSite = await browse(w, w.bob, "POST", path, { content: "forged 2" }, {
    headers: { origin: "https://sub.localhost:8000", "sec-fetch-site": "same-site" },
  });
  const oldBrowser = await browse(w, w.bob, "POST", path, { content: "forged 3" }, {
    headers: { origin: "https://evil.example", "sec-fetch-site": "" },
  });
  const page = await w.call(w.bob, "GET", `/conversations/${w.group}/messages/`);

  assert.equal(sameOrigin.status, 201);
  assert.deepEqual([foreignOrigin.status, sameSite.status, oldBrowser.status], [403, 403, 403]);
  const contents = (page.body as { content: string }[]).map((m) => m.content);
  assert.ok(contents.includes("from our page"));
  assert.ok(contents.every((text) => !text.startsWith("forged")));
  await w.close();
});
