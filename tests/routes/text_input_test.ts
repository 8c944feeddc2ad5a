import assert from "node:assert/strict";
import { seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { SESSION_COOKIE } from "../../routes/middleware.ts";

// Bodies are written by hand: the JSON escapes below reach the server as the six
// characters `\u0000` and `\ud800`, which JSON.parse turns into NUL and a lone surrogate.
const NUL = "\\u0000";
const LONE = "\\ud800";
const ZERO_WIDTH_ONLY = "\\u200b\\u200d\\u2060\\ufeff";

async function textWorld() {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const { admin, users: { bob } } = acme;
  const send = async (who: typeof admin, method: string, path: string, body?: string) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { ...who.auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const form = async (who: typeof admin, path: string, fields: Record<string, string>) => {
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { cookie: `${SESSION_COOKIE}=${who.token}` },
      body: new URLSearchParams(fields),
      redirect: "manual",
    });
    await res.body?.cancel();
    return res.status;
  };
  const group = await send(
    admin,
    "POST",
    "/chat/conversations/",
    JSON.stringify({
      kind: "group",
      title: "Team",
      participant_ids: [bob.user.id],
    }),
  );
  assert.equal(group.status, 201);
  const teamId = group.body.id as string;
  const messages = async () =>
    (await send(admin, "GET", `/chat/conversations/${teamId}/messages/?limit=100`)).body as {
      id: string;
      content: string;
      reactions: unknown[];
    }[];
  const conversations = async () =>
    (await send(admin, "GET", "/chat/conversations/")).body as { id: string; title: string; topic: string | null }[];
  return { server, acme, admin, bob, send, form, teamId, messages, conversations };
}

function assertValidation(res: { status: number; body: { error?: { code: string } } }, what: string) {
  assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error?.code, "validation_error", what);
}

Deno.test("over HTTP, NUL and lone surrogates in message fields are a 400 and nothing is stored", async (t) => {
  const w = await textWorld();
  const path = `/chat/conversations/${w.teamId}/messages/`;

  await t.step("sending content, a client_id or a reaction with either is refused", async () => {
    for (const bad of [NUL, LONE]) {
      assertValidation(await w.send(w.bob, "POST", path, `{"content":"hi${bad}there"}`), `content ${bad}`);
      assertValidation(
        await w.send(w.bob, "POST", path, `{"content":"hi","client_id":"c${bad}"}`),
        `client_id ${bad}`,
      );
    }
    assert.equal((await w.messages()).length, 0);
  });

  await t.step("the browser form is held to the same rules", async () => {
    assert.equal(await w.form(w.bob, `/ui/conversations/${w.teamId}/messages`, { content: "form\0text" }), 400);
    assert.equal((await w.messages()).length, 0);
  });

  await t.step("content keeps format characters: an emoji family joined by U+200D arrives whole", async () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u202Bשלום\u202C";
    const sent = await w.send(w.bob, "POST", path, JSON.stringify({ content: family }));
    assert.equal(sent.status, 201);
    assert.equal(sent.body.content, family);
    assert.deepEqual((await w.messages()).map((m) => m.content), [family]);
  });

  await t.step("editing to NUL or a lone surrogate is refused and the text stays", async () => {
    const [message] = await w.messages();
    for (const bad of [NUL, LONE]) {
      assertValidation(await w.send(w.bob, "PATCH", `/chat/messages/${message.id}/`, `{"content":"x${bad}"}`), bad);
    }
    assert.equal(await w.form(w.bob, `/ui/messages/${message.id}/edit`, { content: "x\0" }), 400);
    assert.equal((await w.messages())[0].content, message.content);
  });

  await t.step("a reaction emoji with either is refused and none is added", async () => {
    const [message] = await w.messages();
    for (const bad of [NUL, LONE]) {
      assertValidation(
        await w.send(w.bob, "POST", `/chat/messages/${message.id}/reactions/`, `{"emoji":"${bad}"}`),
        bad,
      );
    }
    assert.equal(await w.form(w.bob, `/ui/messages/${message.id}/react`, { emoji: "\0" }), 400);
    assert.deepEqual((await w.messages())[0].reactions, []);
  });

  await w.server.close();
});

Deno.test("over HTTP, conversation titles and topics lose format characters and cannot be blank", async (t) => {
  const w = await textWorld();
  const create = (body: string) => w.send(w.admin, "POST", "/chat/conversations/", body);

  await t.step("NUL or a lone surrogate in a title or topic is a 400 and creates nothing", async () => {
    for (const bad of [NUL, LONE]) {
      assertValidation(await create(`{"kind":"group","title":"Plans${bad}"}`), `title ${bad}`);
      assertValidation(await create(`{"kind":"group","title":"Plans","topic":"t${bad}"}`), `topic ${bad}`);
    }
    assert.equal((await w.conversations()).length, 1);
  });

  await t.step("a title of only zero-width characters is a 400, over the API and the form", async () => {
    assertValidation(await create(`{"kind":"group","title":"${ZERO_WIDTH_ONLY}"}`), "zero-width title");
    assert.equal(await w.form(w.admin, "/ui/groups", { title: "\u200b\u200c\u200d", kind: "group" }), 400);
    assert.equal((await w.conversations()).length, 1);
  });

  await t.step("bidi overrides and zero-width characters are stripped from a new title and topic", async () => {
    const created = await create(JSON.stringify({
      kind: "group",
      title: "  in\u202Ecod.exe\u200B ",
      topic: "quarter\u2066ly\u2069 \u00ADplan",
    }));
    assert.equal(created.status, 201);
    assert.equal(created.body.title, "incod.exe");
    assert.equal(created.body.topic, "quarterly plan");
    const listed = (await w.conversations()).find((c) => c.id === created.body.id);
    assert.deepEqual([listed?.title, listed?.topic], ["incod.exe", "quarterly plan"]);
  });

  await t.step("a rename is stripped the same way, and a blank one changes nothing", async () => {
    const path = `/chat/conversations/${w.teamId}/`;
    assertValidation(await w.send(w.admin, "PATCH", path, `{"title":"${ZERO_WIDTH_ONLY}"}`), "blank rename");
    assertValidation(await w.send(w.admin, "PATCH", path, `{"title":"x${NUL}"}`), "NUL rename");
    assert.equal((await w.conversations()).find((c) => c.id === w.teamId)?.title, "Team");
    const renamed = await w.send(w.admin, "PATCH", path, JSON.stringify({ title: "\u202DRoadmap\u202C" }));
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.title, "Roadmap");
  });

  await w.server.close();
});

Deno.test("over HTTP, display names lose format characters and NUL or lone surrogates are refused", async (t) => {
  const w = await textWorld();
  const users = () => w.send(w.admin, "GET", "/admin/users/");

  await t.step("PATCH /api/me strips a bidi override and refuses a blank or NUL name", async () => {
    const changed = await w.send(w.bob, "PATCH", "/me", JSON.stringify({ name: "\u202EBob\u200B" }));
    assert.equal(changed.status, 200);
    assert.equal(changed.body.user.name, "Bob");
    assertValidation(await w.send(w.bob, "PATCH", "/me", `{"name":"${ZERO_WIDTH_ONLY}"}`), "blank name");
    assertValidation(await w.send(w.bob, "PATCH", "/me", `{"name":"B${LONE}"}`), "lone surrogate name");
    assertValidation(await w.send(w.bob, "PATCH", "/me", `{"name":"B${NUL}"}`), "NUL name");
    assert.equal((await w.send(w.bob, "GET", "/me")).body.user.name, "Bob");
  });

  await t.step("an admin's new user and rename are stripped; NUL in any account field creates nobody", async () => {
    const before = (await users()).body.length;
    const created = await w.send(
      w.admin,
      "POST",
      "/admin/users/",
      JSON.stringify({
        name: "Car\u200Dol\u2067",
        email: "carol@acme.test",
        role: "member",
      }),
    );
    assert.equal(created.status, 201);
    assert.equal(created.body.name, "Carol");
    for (
      const body of [
        `{"name":"Dan${NUL}","email":"dan@acme.test","role":"member"}`,
        `{"name":"Dan","email":"dan${NUL}@acme.test","role":"member"}`,
        `{"name":"Dan","email":"dan@acme.test","username":"dan${LONE}","role":"member"}`,
        `{"name":"Dan","email":"dan@acme.test","role":"member","password":"long enough${NUL}"}`,
        `{"name":"${ZERO_WIDTH_ONLY}","email":"dan@acme.test","role":"member"}`,
      ]
    ) {
      assertValidation(await w.send(w.admin, "POST", "/admin/users/", body), body);
    }
    assert.equal((await users()).body.length, before + 1);
    const path = `/admin/users/${created.body.id}`;
    assertValidation(await w.send(w.admin, "PATCH", path, `{"name":"${ZERO_WIDTH_ONLY}"}`), "blank rename");
    const renamed = await w.send(w.admin, "PATCH", path, JSON.stringify({ name: "\u2066Caroline\u2069" }));
    assert.equal(renamed.body.name, "Caroline");

    // the invite form takes a name too
    const invite = new URL(created.body.invite_url).pathname;
    assert.equal(await w.form(w.admin, invite, { name: "\u200B\u200C", password: "long enough" }), 400);
    assert.equal(await w.form(w.admin, invite, { name: "Caro\0", password: "long enough" }), 400);
    assert.equal(await w.form(w.admin, invite, { name: "\u202ECaro", password: "long enough" }), 303);
    const carol = (await users()).body.find((u: { id: string }) => u.id === created.body.id);
    assert.equal(carol.name, "Caro");
  });

  await t.step("signup strips names and refuses NUL in any field, creating no workspace", async () => {
    const signup = (body: string) => w.send(w.admin, "POST", "/auth/signup", body);
    const fields = { workspace_name: "Globex", workspace_slug: "globex", email: "hank@globex.test" };
    for (const [field, value] of [["password", `long enough${NUL}`], ["email", `hank${NUL}@globex.test`]]) {
      const body = JSON.stringify({ ...fields, name: "Hank", password: "long enough", [field]: "X" })
        .replace('"X"', `"${value}"`);
      assertValidation(await signup(body), field);
    }
    assertValidation(await signup(JSON.stringify({ ...fields, password: "long enough", name: "\u200B" })), "blank");
    const signed = await signup(JSON.stringify({ ...fields, password: "long enough", name: "\u202EHank" }));
    assert.equal(signed.status, 201);
    assert.equal(signed.body.user.name, "Hank");
    assert.equal(signed.body.tenant.slug, "globex");
  });

  await w.server.close();
});
