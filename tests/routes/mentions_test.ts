import assert from "node:assert/strict";
import { group, liveWorld, post } from "./live_world.ts";
import { SseReader } from "../realtime/sse_reader.ts";

const names = (m: { mentions: { username: string }[] }) => m.mentions.map((x) => x.username);

Deno.test("over HTTP, @username resolves to people who can see the conversation, once each, never the author", async (t) => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.erin]);

  let first = "";
  await t.step("valid, duplicate and trailing-dot mentions, in order of first appearance", async () => {
    const m = await post(w, w.bob, team, "@Erin and @carol, then @erin again. Thanks @carol.");
    first = m.id;
    assert.deepEqual(names(m), ["erin", "carol"]);
    assert.deepEqual(m.mentions[0], { user_id: w.erin.user.id, username: "erin", name: "Erin" });
    assert.equal(m.mentions_all, false);
  });

  await t.step("unknown users, people outside the conversation or workspace, and the author stay text", async () => {
    const m = await post(w, w.bob, team, "@nobody @dan @zed @admin @bob hi");
    assert.deepEqual(m.mentions, []);
    assert.equal(m.content, "@nobody @dan @zed @admin @bob hi");
  });

  await t.step("email addresses are not mentions", async () => {
    const m = await post(w, w.bob, team, "write to carol@acme.test or erin@x.com");
    assert.deepEqual(m.mentions, []);
  });

  await t.step("in a channel, members of the workspace who are not in it can be mentioned, guests not", async () => {
    const channel = await w.call(w.bob, "POST", "/conversations/", { kind: "channel", title: "News" });
    const m = await post(w, w.bob, channel.body.id, "@carol @dan look");
    assert.deepEqual(names(m), ["carol"]);
  });

  await t.step("a stored message reads back with the same mentions", async () => {
    const list = await w.call(w.carol, "GET", `/conversations/${team}/messages/`);
    const one = await w.call(w.carol, "GET", `/messages/${first}/`);
    assert.deepEqual(names(list.body.find((m: { id: string }) => m.id === first)), ["erin", "carol"]);
    assert.deepEqual(names(one.body), ["erin", "carol"]);
  });
  await w.close();
});

Deno.test("over HTTP, @all counts only from conversation owners and admins or workspace admins", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.admin]);
  const direct = await w.call(w.bob, "POST", "/conversations/start/", { participant_id: w.carol.user.id });

  const byMember = await post(w, w.carol, team, "@all lunch?");
  const byOwner = await post(w, w.bob, team, "@all meeting at 3");
  const byAdmin = await post(w, w.admin, team, "@ALL reminder");
  const inDirect = await post(w, w.bob, direct.body.id, "@all hi");
  const carolsList = await w.call(w.carol, "GET", "/conversations/");
  const bobsList = await w.call(w.bob, "GET", "/conversations/");

  assert.equal(byMember.mentions_all, false);
  assert.equal(byOwner.mentions_all, true);
  assert.equal(byAdmin.mentions_all, true);
  assert.equal(inDirect.mentions_all, false);
  const carolsTeam = carolsList.body.find((c: { id: string }) => c.id === team);
  const bobsTeam = bobsList.body.find((c: { id: string }) => c.id === team);
  assert.equal(carolsTeam.unread_mentions, 2, "bob's and the admin's @all");
  assert.equal(bobsTeam.unread_mentions, 1, "the admin's @all came after bob's own message; his own never counts");
  await w.close();
});

Deno.test("over HTTP, editing re-resolves mentions: new ones are announced, removed ones stop counting", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.erin]);
  const stream = await SseReader.open(`${w.url}/api/chat/events`, w.erin.auth);
  await stream.count("connected", 1);
  const m = await post(w, w.bob, team, "@carol please check");
  const before = await w.call(w.carol, "GET", `/conversations/${team}/`);

  const edited = await w.call(w.bob, "PATCH", `/messages/${m.id}/`, { content: "@erin please check" });
  await stream.count("message_updated", 1);
  const carolAfter = await w.call(w.carol, "GET", `/conversations/${team}/`);
  const erinAfter = await w.call(w.erin, "GET", `/conversations/${team}/`);
  const carolsMentions = await w.call(w.carol, "GET", "/mentions/");
  const erinsMentions = await w.call(w.erin, "GET", "/mentions/");
  const update = JSON.parse(stream.of("message_updated")[0].data);
  await stream.close();

  assert.equal(before.body.unread_mentions, 1);
  assert.equal(edited.status, 200);
  assert.deepEqual(names(edited.body), ["erin"]);
  assert.equal(carolAfter.body.unread_mentions, 0);
  assert.equal(erinAfter.body.unread_mentions, 1);
  assert.deepEqual(carolsMentions.body, []);
  assert.deepEqual(erinsMentions.body.map((x: { id: string }) => x.id), [m.id]);
  assert.deepEqual(update.new_mentions.map((x: { user_id: string }) => x.user_id), [w.erin.user.id]);
  await w.close();
});

Deno.test("over HTTP, unread_mentions counts mentions after the read watermark only", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "@carol one");
  const second = await post(w, w.bob, team, "@carol two");
  await post(w, w.bob, team, "no mention");

  const unread = await w.call(w.carol, "GET", `/conversations/${team}/`);
  await w.call(w.carol, "POST", `/conversations/${team}/mark_read/`, { up_to_id: second.id });
  const partly = await w.call(w.carol, "GET", `/conversations/${team}/`);
  await w.call(w.carol, "POST", `/conversations/${team}/mark_read/`, {});
  const read = await w.call(w.carol, "GET", "/conversations/");

  assert.equal(unread.body.unread_mentions, 2);
  assert.equal(partly.body.unread_mentions, 0);
  assert.equal(read.body[0].unread_mentions, 0);
  await w.close();
});

Deno.test("over HTTP, a mention in a muted conversation reaches the mentioned user's streams marked as a mention", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.erin]);
  await w.call(w.carol, "PATCH", `/conversations/${team}/mute/`);
  const json = await SseReader.open(`${w.url}/api/chat/events`, w.carol.auth);
  const html = await SseReader.open(`${w.url}/ui/events`, w.carol.auth);
  await json.count("connected", 1);

  await post(w, w.bob, team, "not for you");
  await post(w, w.bob, team, "@carol urgent");
  await json.count("message_created", 2);
  await html.until((m) => m.filter((x) => x.data.includes("@carol urgent")).length >= 1, 5000, "the mention");
  const conversation = await w.call(w.carol, "GET", `/conversations/${team}/`);
  const [second, first] = json.of("message_created").map((e) => JSON.parse(e.data).message);
  const notices = html.messages.filter((x) => x.data.includes('data-kind="message"')).map((x) => x.data);
  await json.close();
  await html.close();

  assert.equal(conversation.body.is_muted, true);
  assert.equal(conversation.body.unread_mentions, 1);
  assert.deepEqual(first.mentions.map((x: { user_id: string }) => x.user_id), [w.carol.user.id]);
  assert.deepEqual(second.mentions, []);
  // the muted conversation notifies for the mention only
  assert.equal(notices.length, 1);
  assert.match(notices[0], /data-muted="true"/);
  assert.match(notices[0], /data-mentioned="true"/);
  await w.close();
});

Deno.test("over HTTP, GET /api/chat/mentions/ lists what mentions the caller, newest first, as they may see it", async () => {
  const w = await liveWorld();
  const team = await group(w, w.bob, [w.carol, w.admin], "Team");
  const other = await group(w, w.admin, [w.carol, w.erin], "Ops");
  const a = await post(w, w.bob, team, "@carol first");
  const b = await post(w, w.admin, other, "@all second");
  const c = await post(w, w.bob, team, "@carol third");
  const deleted = await post(w, w.bob, team, "@carol deleted");
  await w.call(w.bob, "DELETE", `/messages/${deleted.id}/`);
  await post(w, w.carol, team, "@carol myself");
  const left = await group(w, w.bob, [w.carol], "Left");
  await post(w, w.bob, left, "@carol in a room I leave");
  await w.call(w.carol, "POST", `/conversations/${left}/leave/`);

  const all = await w.call(w.carol, "GET", "/mentions/");
  const page = await w.call(w.carol, "GET", "/mentions/?limit=2");
  const next = await w.call(w.carol, "GET", `/mentions/?limit=2&before_id=${page.body[1].id}`);
  const tooMany = await w.call(w.carol, "GET", "/mentions/?limit=101");
  const badCursor = await w.call(w.carol, "GET", "/mentions/?before_id=nope");
  const outsider = await w.call(w.zed, "GET", "/mentions/");

  assert.equal(all.status, 200);
  assert.deepEqual(all.body.map((m: { id: string }) => m.id), [c.id, b.id, a.id]);
  assert.deepEqual(all.body.map((m: { conversation_title: string }) => m.conversation_title), ["Team", "Ops", "Team"]);
  assert.deepEqual([...page.body, ...next.body].map((m: { id: string }) => m.id), [c.id, b.id, a.id]);
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.error.code, "validation_error");
  assert.equal(badCursor.status, 400);
  assert.deepEqual(outsider.body, []);
  await w.close();
});

Deno.test("over HTTP, usernames: derived from the email, changed by the user or an admin, unique ignoring case", async () => {
  const w = await liveWorld();
  const invited = await w.call(w.admin, "POST", "/api/admin/users", {
    name: "Ana",
    email: "Ana.Souza+x@acme.test",
    role: "member",
    password: "a long password",
  });
  const short = await w.call(w.admin, "POST", "/api/admin/users", { name: "Q", email: "q@acme.test", role: "member" });

  const own = await w.call(w.bob, "PATCH", "/api/me", { username: "Bobby" });
  const taken = await w.call(w.carol, "PATCH", "/api/me", { username: "BOBBY" });
  const reserved = await w.call(w.carol, "PATCH", "/api/me", { username: "all" });
  const invalid = await w.call(w.carol, "PATCH", "/api/me", { username: "a" });
  const byAdmin = await w.call(w.admin, "PATCH", `/api/admin/users/${w.erin.user.id}`, { username: "erin.r" });
  const adminTaken = await w.call(w.admin, "PATCH", `/api/admin/users/${w.erin.user.id}`, { username: "bobby" });
  const notAdmin = await w.call(w.carol, "PATCH", `/api/admin/users/${w.erin.user.id}`, { username: "hacked" });
  const team = await group(w, w.carol, [w.bob, w.erin]);
  const m = await post(w, w.carol, team, "@bobby and @erin.r, not @bob or @erin");

  assert.equal(invited.body.username, "ana.souzax");
  assert.equal(short.body.username, "q_user");
  assert.equal(own.status, 200);
  assert.equal(own.body.user.username, "bobby");
  assert.equal(taken.status, 409);
  assert.equal(reserved.status, 400);
  assert.equal(invalid.status, 400);
  assert.equal(byAdmin.body.username, "erin.r");
  assert.equal(adminTaken.status, 409);
  assert.equal(notAdmin.status, 403);
  assert.deepEqual(names(m), ["bobby", "erin.r"]);
  await w.close();
});
