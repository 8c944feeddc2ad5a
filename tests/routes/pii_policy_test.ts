import assert from "node:assert/strict";
import type { SeededUser } from "../helpers.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { group, type LiveWorld, liveWorld } from "./live_world.ts";

const CARD = "4111 1111 1111 1111";
const OTHER_CARD = "5555-5555-5555-4444";
const EMAIL = "ana.souza@example.com";
const PHONE = "+55 11 91234-5678";
const IBAN = "DE89 3704 0044 0532 0130 00";

Deno.test("settings: pii_policy and pii_detectors default to off and all on, change alone, refuse bad values", async () => {
  const w = await liveWorld();

  const before = await w.call(w.admin, "GET", "/api/admin/settings");
  const put = await w.call(w.admin, "PUT", "/api/admin/settings", {
    pii_policy: "mask",
    pii_detectors: { phone: false },
  });
  const badPolicy = await w.call(w.admin, "PUT", "/api/admin/settings", { pii_policy: "redact" });
  const badDetector = await w.call(w.admin, "PUT", "/api/admin/settings", { pii_detectors: { fax: true } });
  const byMember = await w.call(w.bob, "PUT", "/api/admin/settings", { pii_policy: "off" });
  const after = await w.call(w.admin, "GET", "/api/admin/settings");
  const audit = await w.deps.database.client.execute(
    "SELECT data FROM audit_log WHERE action = 'settings.updated' ORDER BY id",
  );

  assert.equal(before.body.pii_policy, "off");
  assert.deepEqual(before.body.pii_detectors, { email: true, phone: true, card: true, iban: true });
  assert.equal(put.status, 200);
  assert.equal(put.body.pii_policy, "mask");
  assert.deepEqual(put.body.pii_detectors, { email: true, phone: false, card: true, iban: true });
  assert.equal(badPolicy.status, 400);
  assert.equal(badDetector.status, 400);
  assert.equal(byMember.status, 403);
  assert.equal(after.body.pii_policy, "mask");
  assert.equal(after.body.pii_detectors.phone, false);
  assert.equal(audit.rows.length, 1);
  const change = JSON.parse(audit.rows[0][0] as string);
  assert.deepEqual(change.before, { pii_policy: null, pii_detectors: null });
  assert.equal(change.after.pii_policy, "mask");
  await w.close();
});

Deno.test("flag: the message is stored as written, marked for admins only, audited, and never in an event", async () => {
  const w = await liveWorld();
  const team = await group(w, w.admin, [w.bob, w.dan]);
  await setPolicy(w, { pii_policy: "flag" });
  const bobStream = await SseReader.open(`${w.url}/api/chat/events`, w.bob.auth);
  const adminStream = await SseReader.open(`${w.url}/api/chat/events`, w.admin.auth);
  await bobStream.until((m) => m.some((x) => x.event === "connected"), 5000, "connected");
  await adminStream.until((m) => m.some((x) => x.event === "connected"), 5000, "connected");

  const sent = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, { content: `pay with ${CARD}` });
  const byAdmin = await w.call(w.admin, "POST", `/conversations/${team}/messages/`, { content: `mail ${EMAIL}` });
  const clean = await w.call(w.admin, "POST", `/conversations/${team}/messages/`, { content: "nothing personal" });
  await adminStream.until((m) => m.filter((x) => x.event === "message_created").length === 3, 5000, "3 sends");
  await bobStream.until((m) => m.filter((x) => x.event === "message_created").length === 3, 5000, "3 sends");
  const adminOne = await w.call(w.admin, "GET", `/messages/${sent.body.id}/`);
  const adminPage = await w.call(w.admin, "GET", `/conversations/${team}/messages/`);
  const bobOne = await w.call(w.bob, "GET", `/messages/${sent.body.id}/`);
  const bobPage = await w.call(w.bob, "GET", `/conversations/${team}/messages/`);
  const guestPage = await w.call(w.dan, "GET", `/conversations/${team}/messages/`);
  const outsider = await w.call(w.outsider, "GET", `/messages/${sent.body.id}/`);
  const audit = await w.deps.database.client.execute(
    "SELECT actor_id, target_id, data FROM audit_log WHERE action = 'message.pii_flagged' ORDER BY id",
  );

  assert.equal(sent.status, 201);
  assert.equal(sent.body.content, `pay with ${CARD}`);
  assert.equal("pii" in sent.body, false, "the member's own answer carries no flags");
  assert.deepEqual(byAdmin.body.pii, ["email"]);
  assert.equal("pii" in clean.body, false);
  assert.deepEqual(adminOne.body.pii, ["card"]);
  assert.deepEqual(adminPage.body.map((m: { pii?: string[] }) => m.pii ?? null), [["card"], ["email"], null]);
  assert.equal(bobOne.status, 200);
  for (const message of [bobOne.body, ...bobPage.body, ...guestPage.body]) {
    assert.equal("pii" in message, false, "members and guests never get the field");
  }
  assert.equal(bobPage.body.length, 3);
  assert.equal(guestPage.body.length, 3);
  assert.equal(outsider.status, 404);
  for (const stream of [bobStream, adminStream]) {
    for (const event of stream.of("message_created")) assert.equal(event.data.includes('"pii"'), false);
  }
  assert.deepEqual(audit.rows.map((r) => [r[0], r[1], JSON.parse(r[2] as string).pii]), [
    [w.bob.user.id, sent.body.id, ["card"]],
    [w.admin.user.id, byAdmin.body.id, ["email"]],
  ]);
  await bobStream.close();
  await adminStream.close();
  await w.close();
});

Deno.test("flag: an edit flags its new text afresh, and an edit without personal data clears the flag", async () => {
  const w = await liveWorld();
  const team = await group(w, w.admin, [w.bob]);
  await setPolicy(w, { pii_policy: "flag" });
  const sent = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, { content: "hello" });

  const toPhone = await w.call(w.bob, "PATCH", `/messages/${sent.body.id}/`, { content: `call ${PHONE}` });
  const flagged = await w.call(w.admin, "GET", `/messages/${sent.body.id}/`);
  await w.call(w.bob, "PATCH", `/messages/${sent.body.id}/`, { content: "never mind" });
  const cleared = await w.call(w.admin, "GET", `/messages/${sent.body.id}/`);
  const audit = await w.deps.database.client.execute(
    "SELECT target_id FROM audit_log WHERE action = 'message.pii_flagged'",
  );

  assert.equal(toPhone.status, 200);
  assert.equal(toPhone.body.content, `call ${PHONE}`);
  assert.equal("pii" in toPhone.body, false);
  assert.deepEqual(flagged.body.pii, ["phone"]);
  assert.equal("pii" in cleared.body, false);
  assert.deepEqual(audit.rows.map((r) => r[0]), [sent.body.id]);
  await w.close();
});

Deno.test("mask: no send path or edit lets the original reach the database file, the event log or a stream", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-pii-" });
  const w = await liveWorld({ DATABASE_URL: `file:${dir}/parley.db`, ATTACHMENTS: `fs:${dir}/attachments` });
  const team = await group(w, w.admin, [w.bob, w.carol]);
  await setPolicy(w, { pii_policy: "mask" });
  const carolStream = await SseReader.open(`${w.url}/api/chat/events`, w.carol.auth);
  await carolStream.until((m) => m.some((x) => x.event === "connected"), 5000, "connected");

  const json = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, {
    content: `@carol card ${CARD}, mail ${EMAIL}`,
  });
  const edited = await w.call(w.bob, "PATCH", `/messages/${json.body.id}/`, { content: `now ${OTHER_CARD}` });
  const upload = new FormData();
  upload.set("content", `IBAN ${IBAN}`);
  upload.append("attachments", new File([`the file keeps ${CARD}`], "notes.txt", { type: "text/plain" }));
  const multipart = await fetch(`${w.url}/api/chat/conversations/${team}/messages/`, {
    method: "POST",
    headers: w.bob.auth,
    body: upload,
  });
  const multipartBody = await multipart.json();
  const page = await fetch(`${w.url}/ui/conversations/${team}/messages`, {
    method: "POST",
    headers: { ...pageHeaders(w, w.bob), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ content: `phone ${PHONE}` }),
  });
  const pageHtml = await page.text();
  await carolStream.until((m) => m.filter((x) => x.event === "message_created").length === 3, 5000, "3 sends");
  await carolStream.until((m) => m.some((x) => x.event === "message_updated"), 5000, "the edit");
  const file = await fetch(`${w.url}${multipartBody.attachments[0].url}`, { headers: w.bob.auth });
  const checkpoint = await w.deps.database.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  const eventLog = await w.deps.database.client.execute("SELECT data FROM events");
  const stored = await w.deps.database.client.execute("SELECT content, pii FROM messages ORDER BY id");

  assert.equal(json.status, 201);
  assert.equal(json.body.content, "@carol card •••• •••• •••• 1111, mail a••••••••@example.com");
  assert.deepEqual(json.body.mentions.map((m: { username: string }) => m.username), ["carol"]);
  assert.equal(edited.body.content, "now ••••-••••-••••-4444");
  assert.equal(multipart.status, 201);
  assert.equal(multipartBody.content, "IBAN DE•• •••• •••• •••• ••30 00");
  assert.equal(await file.text(), `the file keeps ${CARD}`, "file contents are not the policy's");
  assert.equal(page.status, 201);
  assert.ok(pageHtml.includes("phone +•• •• •••••-••78"), pageHtml);
  assert.equal(Number(checkpoint.rows[0][0]), 0, "the checkpoint was not blocked");
  for (const row of stored.rows) assert.equal(row[1], null, "masked text is not flagged");
  const streamed = carolStream.messages.map((m) => m.data).join("\n");
  const logged = eventLog.rows.map((r) => String(r[0])).join("\n");
  for (const original of [CARD, CARD.replaceAll(" ", ""), OTHER_CARD, EMAIL, IBAN, PHONE, "91234-5678"]) {
    assert.equal(logged.includes(original), false, `${original} in the event log`);
    assert.equal(streamed.includes(original), false, `${original} on the stream`);
    assert.equal(stored.rows.some((r) => String(r[0]).includes(original)), false, `${original} in messages`);
    for (const name of ["parley.db", "parley.db-wal"]) {
      assert.equal(await fileContains(`${dir}/${name}`, original), false, `${original} in ${name}`);
    }
  }
  // the check can see what it looks for: the masked text is in the database file
  assert.equal(await fileContains(`${dir}/parley.db`, "now ••••-••••-••••-4444"), true);
  await carolStream.close();
  await w.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("block: 422 pii_blocked naming the kinds; nothing is stored and no event reaches a stream", async () => {
  const w = await liveWorld();
  const team = await group(w, w.admin, [w.bob, w.carol]);
  const earlier = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, { content: "before the policy" });
  await setPolicy(w, { pii_policy: "block", pii_detectors: { phone: false } });
  const carolStream = await SseReader.open(`${w.url}/api/chat/events`, w.carol.auth);
  await carolStream.until((m) => m.some((x) => x.event === "connected"), 5000, "connected");
  const counts = () => countRows(w, ["messages", "events", "attachments", "attachment_blobs", "message_edits"]);
  const before = await counts();

  const json = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, {
    content: `card ${CARD} and ${EMAIL}`,
  });
  const upload = new FormData();
  upload.set("content", `IBAN ${IBAN}`);
  upload.append("attachments", new File(["plain"], "notes.txt", { type: "text/plain" }));
  const multipart = await fetch(`${w.url}/api/chat/conversations/${team}/messages/`, {
    method: "POST",
    headers: w.bob.auth,
    body: upload,
  });
  const multipartBody = await multipart.json();
  const edit = await w.call(w.bob, "PATCH", `/messages/${earlier.body.id}/`, { content: `write ${EMAIL}` });
  const between = await counts();
  const phoneAllowed = await w.call(w.bob, "POST", `/conversations/${team}/messages/`, { content: `call ${PHONE}` });
  await carolStream.until((m) => m.some((x) => x.event === "message_created"), 5000, "the allowed send");
  const unchanged = await w.call(w.bob, "GET", `/messages/${earlier.body.id}/`);

  assert.equal(json.status, 422);
  assert.equal(json.body.error.code, "pii_blocked");
  assert.deepEqual(json.body.error.details, ["email", "card"]);
  assert.equal(typeof json.body.error.message, "string");
  assert.equal(multipart.status, 422);
  assert.deepEqual(multipartBody.error.details, ["iban"]);
  assert.equal(edit.status, 422);
  assert.deepEqual(edit.body.error.details, ["email"]);
  assert.deepEqual(between, before, "a refusal stores nothing");
  assert.equal(unchanged.body.content, "before the policy");
  assert.equal(unchanged.body.edited_at, null);
  assert.equal(phoneAllowed.status, 201, "a detector switched off lets its kind through");
  const created = carolStream.of("message_created");
  assert.equal(created.length, 1, "no event for a refused send");
  assert.equal(JSON.parse(created[0].data).message.id, phoneAllowed.body.id);
  assert.equal(carolStream.of("message_updated").length, 0);
  await carolStream.close();
  await w.close();
});

Deno.test("block: the page composer's send answers the refusal as localized text for the composer", async () => {
  const w = await liveWorld();
  const team = await group(w, w.admin, [w.bob]);
  await setPolicy(w, { pii_policy: "block" });

  const res = await fetch(`${w.url}/ui/conversations/${team}/messages`, {
    method: "POST",
    headers: { ...pageHeaders(w, w.bob), "content-type": "application/x-www-form-urlencoded", "accept-language": "es" },
    body: new URLSearchParams({ content: `mi tarjeta ${CARD}` }),
  });
  const html = await res.text();

  assert.equal(res.status, 422);
  assert.ok(html.includes("números de tarjeta"), html);
  assert.equal(html.includes(CARD), false);
  await w.close();
});

async function setPolicy(w: LiveWorld, settings: Record<string, unknown>) {
  const res = await w.call(w.admin, "PUT", "/api/admin/settings", settings);
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Headers of an htmx request from our own page over the real server. */
function pageHeaders(w: LiveWorld, who: SeededUser): Record<string, string> {
  return {
    cookie: `parley_session=${who.token}`,
    origin: w.url,
    "sec-fetch-site": "same-origin",
    "hx-request": "true",
  };
}

async function countRows(w: LiveWorld, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await w.deps.database.client.execute(`SELECT count(*) FROM ${table}`);
    counts[table] = Number(result.rows[0][0]);
  }
  return counts;
}

/** Whether `needle` occurs in the file's bytes, as UTF-8 (false when the file is absent). */
async function fileContains(path: string, needle: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  const wanted = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + wanted.length <= bytes.length; i++) {
    for (let j = 0; j < wanted.length; j++) if (bytes[i + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}
