import assert from "node:assert/strict";
import type { SeededUser } from "../helpers.ts";
import { group, type LiveWorld, liveWorld, post } from "./live_world.ts";
import { browserHeaders } from "./ui_world.ts";

/** A page's htmx GET over the real listener, with the session cookie. */
async function fragment(w: LiveWorld, who: SeededUser, path: string) {
  const res = await fetch(`${w.url}${path}`, { headers: browserHeaders(who) });
  return { status: res.status, text: await res.text() };
}

Deno.test("UI search and mentions list only what the caller may see, the excerpt escaped around its marks", async () => {
  const w = await liveWorld();
  try {
    const plans = await group(w, w.bob, [w.carol], "Secret plans");
    await post(w, w.bob, plans, "@carol the vault code is <script>alert(1)</script> 1234");

    const carolSearch = await fragment(w, w.carol, "/ui/search?q=vault");
    const carolMentions = await fragment(w, w.carol, "/ui/mentions");
    const outsiders = await Promise.all(
      [w.erin, w.dan, w.zed, w.outsider].flatMap((who) => [
        fragment(w, who, "/ui/search?q=vault"),
        fragment(w, who, "/ui/mentions"),
      ]),
    );
    const empty = await fragment(w, w.carol, "/ui/search?q=");

    assert.equal(carolSearch.status, 200);
    assert.match(carolSearch.text, /<mark>vault<\/mark> code is &lt;script&gt;alert\(1\)&lt;\/script&gt; 1234/);
    assert.doesNotMatch(carolSearch.text, /<script>/);
    assert.match(carolSearch.text, new RegExp(`hx-get="/ui/conversations/${plans}\\?around_id=`));
    assert.match(carolSearch.text, /Secret plans/);
    assert.equal(carolMentions.status, 200);
    assert.match(carolMentions.text, /the vault code is &lt;script&gt;/);
    for (const res of outsiders) {
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /vault code|Secret plans|found-item/);
    }
    assert.deepEqual(empty, { status: 200, text: "" }, "an emptied box clears the results");
  } finally {
    await w.close();
  }
});

Deno.test("UI @ suggestions list the conversation's other participants only, and are 404 to anyone outside it", async () => {
  const w = await liveWorld();
  try {
    const team = await group(w, w.bob, [w.carol, w.dan], "Team");

    const all = await fragment(w, w.bob, `/ui/conversations/${team}/mentionable?q=`);
    const c = await fragment(w, w.bob, `/ui/conversations/${team}/mentionable?q=C`);
    const nobody = await fragment(w, w.bob, `/ui/conversations/${team}/mentionable?q=%3Cscript%3E`);
    const denied = await Promise.all(
      [w.erin, w.zed, w.outsider].map((who) => fragment(w, who, `/ui/conversations/${team}/mentionable?q=`)),
    );

    assert.equal(all.status, 200);
    const usernames = (text: string) => [...text.matchAll(/data-username="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(usernames(all.text), ["carol", "dan"], "everyone in it but the caller, by name");
    assert.deepEqual(usernames(c.text), ["carol"]);
    assert.match(c.text, /role="listbox"/);
    assert.equal(nobody.status, 200);
    assert.deepEqual(usernames(nobody.text), []);
    assert.match(nobody.text, /<ul[^>]*hidden/);
    for (const res of denied) {
      assert.equal(res.status, 404);
      assert.doesNotMatch(res.text, /carol|dan/i);
    }
  } finally {
    await w.close();
  }
});

Deno.test("UI: bad input to the new fragments is a 400 that changes nothing, never a 5xx", async () => {
  const w = await liveWorld();
  try {
    const team = await group(w, w.bob, [w.carol], "Team");
    await post(w, w.bob, team, "hello");
    const paths = [
      `/ui/search?q=${"x".repeat(201)}`,
      `/ui/conversations/${team}/mentionable?q=${"x".repeat(65)}`,
      `/ui/conversations/${team}?around_id=not-an-id`,
      `/c/${team}?around_id=not-an-id`,
      `/ui/conversations/${team}/messages?since_id=not-an-id`,
      `/ui/conversations/${team}/messages?since_id=${crypto.randomUUID()}&before_id=${crypto.randomUUID()}`,
    ];

    const statuses = await Promise.all(paths.map(async (p) => (await fragment(w, w.bob, p)).status));

    assert.deepEqual(statuses, paths.map(() => 400));
  } finally {
    await w.close();
  }
});

Deno.test("UI Open discussion opens the context room for members; a guest or another workspace gets 404 and creates nothing", async () => {
  const w = await liveWorld();
  try {
    const configured = await w.call(w.admin, "PUT", "/api/admin/settings", {
      entity_types: [{ type: "task", url_template: "https://erp.example/tasks/{id}", label_template: "Task #{id}" }],
    });
    assert.equal(configured.status, 200);

    const guest = await fragment(w, w.dan, "/ui/context/task/45");
    const foreign = await fragment(w, w.zed, "/ui/context/task/45");
    const unknownType = await fragment(w, w.bob, "/ui/context/order/45");
    const before = await w.call(w.bob, "GET", "/conversations/");
    const bob = await fragment(w, w.bob, "/ui/context/task/45");
    const carol = await fragment(w, w.carol, "/ui/context/task/45");

    assert.deepEqual([guest.status, foreign.status, unknownType.status], [404, 404, 404]);
    assert.ok(!(before.body as { title: string }[]).some((c) => c.title === "Task #45"), "nothing was created");
    assert.equal(bob.status, 200);
    assert.match(bob.text, /<h2>Task #45<\/h2>/);
    const roomOf = (text: string) => text.match(/data-conversation-id="([^"]+)"/)?.[1];
    assert.ok(roomOf(bob.text));
    assert.equal(roomOf(carol.text), roomOf(bob.text), "one room for the object");
    const rooms = (await w.call(w.carol, "GET", "/conversations/")).body as { id: string; context_id: string }[];
    assert.equal(rooms.filter((c) => c.context_id === "45").length, 1);
  } finally {
    await w.close();
  }
});
