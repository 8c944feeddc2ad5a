import assert from "node:assert/strict";
import { startServer } from "../realtime/server.ts";
import { type SeededUser, seedTenant } from "../helpers.ts";

type Line = { type: string } & Record<string, unknown>;

/** A real server and two workspaces, each with a group, messages, a reaction and a file. */
async function world() {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", dan: "guest" });
  const globex = await seedTenant(server.deps, "globex", { gina: "member" });
  const post = async (who: SeededUser, path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { ...who.auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${path}: ${res.status}`);
    return await res.json();
  };
  const fill = async (admin: SeededUser, member: SeededUser, words: string) => {
    const group = await post(admin, "/api/chat/conversations", {
      title: `${words} team`,
      participant_ids: [member.user.id],
    });
    const messages = [];
    for (let i = 0; i < 3; i++) {
      messages.push(await post(member, `/api/chat/conversations/${group.id}/messages`, { content: `${words} ${i}` }));
    }
    await post(admin, `/api/chat/messages/${messages[0].id}/reactions`, { emoji: "👍" });
    const form = new FormData();
    form.append("content", `${words} file`);
    form.append("attachments", new File([`${words} notes`], "notes.txt", { type: "text/plain" }));
    const sent = await fetch(`${server.url}/api/chat/conversations/${group.id}/messages`, {
      method: "POST",
      headers: member.auth,
      body: form,
    });
    assert.equal(sent.status, 201);
    return { group, messages: [...messages, await sent.json()] };
  };
  const acmeData = await fill(acme.admin, acme.users.bob, "acme secret");
  const globexData = await fill(globex.admin, globex.users.gina, "globex secret");
  const exportAs = async (who: SeededUser) => {
    const res = await fetch(`${server.url}/api/admin/export/`, { headers: who.auth });
    return { res, text: await res.text() };
  };
  return { server, acme, globex, acmeData, globexData, exportAs };
}

Deno.test("an admin's export streams every row of the workspace as JSON lines, files with download links", async () => {
  const { server, acme, acmeData, exportAs } = await world();

  const { res, text } = await exportAs(acme.admin);
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
  const of = (type: string) => lines.filter((l) => l.type === type);
  const file = of("attachment")[0];
  // links point at PUBLIC_URL; the test server listens elsewhere
  const link = new URL(file.download_url as string);
  const download = await fetch(`${server.url}${link.pathname}`, { headers: acme.admin.auth });

  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^application\/jsonl/);
  assert.match(
    res.headers.get("content-disposition")!,
    /^attachment; filename="parley-acme-\d{4}-\d{2}-\d{2}\.jsonl"$/,
  );
  assert.equal(res.headers.get("cache-control"), "no-store, no-transform");
  assert.deepEqual(lines[0], { ...lines[0], type: "workspace", id: acme.tenant.id, slug: "acme" });
  assert.deepEqual(
    [...new Set(lines.map((l) => l.type))],
    ["workspace", "user", "conversation", "participant", "message", "reaction", "attachment", "audit"],
  );
  assert.deepEqual(of("user").map((u) => u.email).sort(), ["admin@acme.test", "bob@acme.test", "dan@acme.test"]);
  assert.ok(of("user").every((u) => !("password_hash" in u)));
  assert.ok(!/argon2|pbkdf2/.test(text), "no password hash anywhere");
  const sent = of("message").filter((m) => m.sender_id === acme.users.bob.user.id).map((m) => m.content).sort();
  assert.deepEqual(sent, ["acme secret 0", "acme secret 1", "acme secret 2", "acme secret file"]);
  assert.deepEqual(of("conversation").map((c) => c.id), [acmeData.group.id]);
  assert.equal(of("participant").length, 2);
  assert.deepEqual(of("reaction").map((r) => [r.message_id, r.emoji]), [[acmeData.messages[0].id, "👍"]]);
  assert.deepEqual([file.filename, file.size, "storage_key" in file], ["notes.txt", 17, false]);
  assert.equal(link.origin, server.deps.config.publicUrl);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "acme secret notes");
  // the export itself is on record, in the export
  const exported = of("audit").filter((a) => a.action === "export");
  assert.deepEqual(exported.map((a) => [a.actor_id, a.target_type]), [[acme.admin.user.id, "tenant"]]);
  await server.close();
});

Deno.test("attack: an export never holds another workspace's rows, and members and guests get 403", async () => {
  const { server, acme, globex, globexData, exportAs } = await world();

  const { text } = await exportAs(acme.admin);
  const member = await exportAs(acme.users.bob);
  const guest = await exportAs(acme.users.dan);
  const globexExport = await exportAs(globex.admin);

  const globexIds = [
    globex.tenant.id,
    globex.admin.user.id,
    globex.users.gina.user.id,
    globexData.group.id,
    ...globexData.messages.map((m: { id: string }) => m.id),
  ];
  const acmeLines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
  assert.ok(globexIds.length > 5 && acmeLines.length > 10, "both workspaces have rows");
  for (const id of globexIds) assert.ok(!text.includes(id), `globex's ${id} is not in acme's export`);
  assert.ok(!text.includes("globex"), "no globex text, email or slug");
  assert.ok(acmeLines.every((l) => l.type === "workspace" || l.tenant_id === acme.tenant.id));
  assert.deepEqual([member.res.status, guest.res.status], [403, 403]);
  assert.equal(JSON.parse(member.text).error.code, "forbidden");
  assert.ok(!globexExport.text.includes("acme"), "and the other way round");
  await server.close();
});
