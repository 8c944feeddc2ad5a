import assert from "node:assert/strict";
import { group, liveWorld, post } from "./live_world.ts";

const ids = (res: { body: { id: string }[] }) => res.body.map((m) => m.id);
const q = (text: string, extra = "") => `/search/?q=${encodeURIComponent(text)}${extra}`;

Deno.test("over HTTP, search finds whole words and prefixes ignoring case and diacritics, newest first", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol], "Finance");
  const a = await post(w, w.bob, team, "A informação da aprovação chegou");
  const b = await post(w, w.carol, team, "INFORMAÇÃO nova sobre o orçamento");
  await post(w, w.bob, team, "nothing relevant here");

  const plain = await w.call(w.bob, "GET", q("informacao"));
  const prefix = await w.call(w.bob, "GET", q("aprov"));
  const upper = await w.call(w.bob, "GET", q("ORÇAMENTO"));
  const twoWords = await w.call(w.bob, "GET", q("informação aprov"));
  const inside = await w.call(w.bob, "GET", q("formacao"));

  assert.deepEqual(ids(plain), [b.id, a.id]);
  assert.deepEqual(ids(prefix), [a.id]);
  assert.deepEqual(ids(upper), [b.id]);
  assert.deepEqual(ids(twoWords), [a.id], "both words are required");
  assert.deepEqual(ids(inside), [], "words match from their start");
  assert.equal(plain.body[0].conversation_title, "Finance");
  assert.equal(plain.body[0].highlight, "<mark>INFORMAÇÃO</mark> nova sobre o orçamento");
  assert.equal(prefix.body[0].highlight, "A informação da <mark>aprovação</mark> chegou");
  await w.close();
});

Deno.test("over HTTP, text without word boundaries (CJK) is found by substrings of three or more characters", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  const zh = await post(w, w.bob, team, "我们明天讨论项目预算的问题");
  const ja = await post(w, w.carol, team, "東京オフィスの会議室を予約しました");

  const middle = await w.call(w.bob, "GET", q("项目预算"));
  const kana = await w.call(w.bob, "GET", q("会議室"));
  const short = await w.call(w.bob, "GET", q("项目"));
  const mixed = await w.call(w.bob, "GET", q("讨论项 明天"));

  assert.deepEqual(ids(middle), [zh.id]);
  assert.equal(middle.body[0].highlight, "我们明天讨论<mark>项目预算</mark>的问题");
  assert.deepEqual(ids(kana), [ja.id]);
  assert.deepEqual(ids(short), [], "two characters are too few for a substring");
  assert.deepEqual(ids(mixed), [zh.id]);
  await w.close();
});

Deno.test("over HTTP, FTS syntax in a query is plain text, never an error", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  const near = await post(w, w.bob, team, 'the NEAR clause and "quotes" and a star*');

  const answers = await Promise.all(
    ['"', "*", "NEAR(", "NEAR(a b)", "content:x", "a OR", "-x", "^", "((", ":", "AND", "'", "\\", "{conv}:x"].map((
      text,
    ) => w.call(w.bob, "GET", q(text))),
  );
  const found = await w.call(w.bob, "GET", q('"near" quotes*'));

  for (const res of answers) {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Array.isArray(res.body));
  }
  assert.deepEqual(ids(found), [near.id]);
  await w.close();
});

Deno.test("over HTTP, a highlight escapes everything but its <mark> tags and is an excerpt around the match", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, `<script>alert("x")</script> & <b>payload</b> it's here`);
  const long = await post(w, w.bob, team, `${"filler ".repeat(100)}needle ${"tail ".repeat(100)}`);

  const res = await w.call(w.bob, "GET", q("payload"));
  const excerpt = await w.call(w.bob, "GET", q("needle"));

  assert.equal(
    res.body[0].highlight,
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;<mark>payload</mark>&lt;/b&gt; it&#39;s here",
  );
  assert.equal(res.body[0].content, `<script>alert("x")</script> & <b>payload</b> it's here`);
  const text = excerpt.body[0].highlight.replace(/<\/?mark>/g, "");
  assert.equal(excerpt.body[0].id, long.id);
  assert.ok(text.length <= 300, `excerpt of ${text.length} characters`);
  assert.match(excerpt.body[0].highlight, /filler <mark>needle<\/mark> tail/);
  await w.close();
});

Deno.test("over HTTP, search sees only the caller's current conversations and current text (attacks)", async (t) => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.dan], "With guest");
  const internal = await group(w, w.bob, [w.carol], "Internal");
  const outsiders = await group(w, w.outsider, [w.zed], "Other workspace");
  await post(w, w.outsider, outsiders, "secretword from another workspace");
  const shared = await post(w, w.bob, team, "secretword for the guest too");
  const hidden = await post(w, w.bob, internal, "secretword internal only");
  const deleted = await post(w, w.bob, team, "secretword deleted later");
  await w.call(w.bob, "DELETE", `/messages/${deleted.id}/`);
  const edited = await post(w, w.bob, team, "oldphrase that gets edited");
  await w.call(w.bob, "PATCH", `/messages/${edited.id}/`, { content: "newphrase after the edit" });

  await t.step("another workspace's messages are never found", async () => {
    const bob = await w.call(w.bob, "GET", q("secretword"));
    const zed = await w.call(w.zed, "GET", q("secretword"));
    assert.deepEqual(ids(bob), [hidden.id, shared.id]);
    assert.equal(zed.body.length, 1);
    assert.notEqual(zed.body[0].id, shared.id);
  });

  await t.step("a guest finds only their conversations", async () => {
    const dan = await w.call(w.dan, "GET", q("secretword"));
    const filtered = await w.call(w.dan, "GET", q("secretword", `&conversation_id=${internal}`));
    assert.deepEqual(ids(dan), [shared.id]);
    assert.deepEqual(filtered.body, []);
  });

  await t.step("a deleted message is never found; an edited one only by its new text", async () => {
    assert.deepEqual(ids(await w.call(w.bob, "GET", q("deleted"))), []);
    assert.deepEqual(ids(await w.call(w.bob, "GET", q("oldphrase"))), []);
    assert.deepEqual(ids(await w.call(w.bob, "GET", q("newphrase"))), [edited.id]);
  });

  await t.step("after leaving a conversation its messages are no longer found", async () => {
    await w.call(w.carol, "POST", `/conversations/${internal}/leave/`);
    const carol = await w.call(w.carol, "GET", q("secretword"));
    assert.deepEqual(ids(carol), [shared.id]);
  });
  await w.close();
});

Deno.test("over HTTP, search filters combine and bad parameters are a 400", async () => {
  const w = await liveWorld();
  const one = await group(w, w.bob, [w.carol], "One");
  const two = await group(w, w.bob, [w.carol], "Two");
  const a = await post(w, w.bob, one, "budget draft");
  const b = await post(w, w.carol, one, "budget review");
  const c = await post(w, w.carol, two, "budget final");
  const form = new FormData();
  form.append("content", "budget attached");
  form.append("attachments", new File(["numbers"], "budget.txt", { type: "text/plain" }));
  const withFile = await (await fetch(`${w.url}/api/chat/conversations/${two}/messages/`, {
    method: "POST",
    headers: w.bob.auth,
    body: form,
  })).json();

  const inOne = await w.call(w.bob, "GET", q("budget", `&conversation_id=${one}`));
  const byCarol = await w.call(w.bob, "GET", q("budget", `&sender_id=${w.carol.user.id}`));
  const both = await w.call(w.bob, "GET", q("budget", `&conversation_id=${one}&sender_id=${w.carol.user.id}`));
  const files = await w.call(w.bob, "GET", q("budget", "&has_file=true"));
  const noFiles = await w.call(w.bob, "GET", q("budget", "&has_file=false"));
  const page = await w.call(w.bob, "GET", q("budget", "&limit=2"));
  const rest = await w.call(w.bob, "GET", q("budget", `&before_id=${page.body[1].id}`));
  const future = await w.call(w.bob, "GET", q("budget", "&from=2999-01-01"));
  const past = await w.call(w.bob, "GET", q("budget", "&to=2000-01-01"));
  const today = new Date().toISOString().slice(0, 10);
  const range = await w.call(w.bob, "GET", q("budget", `&from=${today}&to=${today}`));
  const bad = await Promise.all([
    "/search/",
    "/search/?q=",
    q("x".repeat(201)),
    q("budget", "&limit=101"),
    q("budget", "&from=yesterday"),
    q("budget", "&has_file=maybe"),
  ].map((path) => w.call(w.bob, "GET", path)));

  assert.deepEqual(ids(inOne), [b.id, a.id]);
  assert.deepEqual(ids(byCarol), [c.id, b.id]);
  assert.deepEqual(ids(both), [b.id]);
  assert.deepEqual(ids(files), [withFile.id]);
  assert.deepEqual(ids(noFiles), [c.id, b.id, a.id]);
  assert.deepEqual([...ids(page), ...ids(rest)], [withFile.id, c.id, b.id, a.id]);
  assert.deepEqual(future.body, []);
  assert.deepEqual(past.body, []);
  assert.equal(range.body.length, 4);
  for (const res of bad) {
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, "validation_error");
  }
  await w.close();
});

Deno.test("over HTTP, a message already indexed is found by its new text only after an edit, and never after deletion", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  const edited = await post(w, w.bob, team, "firstdraft of the plan");
  const deleted = await post(w, w.bob, team, "confidential numbers");
  const before = await w.call(w.carol, "GET", q("firstdraft confidential"));
  const indexed = [await w.call(w.carol, "GET", q("firstdraft")), await w.call(w.carol, "GET", q("confidential"))];

  await w.call(w.bob, "PATCH", `/messages/${edited.id}/`, { content: "seconddraft of the plan" });
  await w.call(w.bob, "DELETE", `/messages/${deleted.id}/`);
  const oldText = await w.call(w.carol, "GET", q("firstdraft"));
  const newText = await w.call(w.carol, "GET", q("seconddraft"));
  const gone = await w.call(w.carol, "GET", q("confidential"));
  // the index still agrees with the rows it was built from (SQLITE_CORRUPT otherwise)
  await w.deps.database.client.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");

  assert.deepEqual(before.body, []);
  assert.deepEqual(indexed.map(ids), [[edited.id], [deleted.id]]);
  assert.deepEqual(ids(oldText), []);
  assert.deepEqual(ids(newText), [edited.id]);
  assert.deepEqual(ids(gone), []);
  await w.close();
});
