import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { seedTenant, testDeps } from "../helpers.ts";

/** Whether `needle` occurs anywhere in the file's bytes (false when the file is absent). */
async function fileContains(path: string, needle: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  // latin1 maps every byte to one character, so an ASCII needle is found at any offset
  return new TextDecoder("latin1").decode(bytes).includes(needle);
}

Deno.test("a deleted message's text, former text and file leave the database file once checkpointed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-secure-delete-" });
  const deps = await testDeps({ DATABASE_URL: `file:${dir}/parley.db`, ATTACHMENTS: "db" });
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  const { admin, users: { bob } } = await seedTenant(deps, "acme", { bob: "member" });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/chat${path}`, { ...init, headers: { ...admin.auth, ...init.headers } });
  const created = await api("/conversations/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "group", title: "Team", participant_ids: [bob.user.id] }),
  });
  const team = (await created.json()).id;
  const secrets = {
    edited: `first-draft-${crypto.randomUUID()}`,
    content: `launch-code-${crypto.randomUUID()}`,
    file: `file-secret-${crypto.randomUUID()}`,
  };
  const checkpoint = async () => {
    const result = await deps.database.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    assert.equal(Number(result.rows[0][0]), 0, "the checkpoint was not blocked");
  };
  const leftovers = async () => {
    const found = [];
    for (const [name, secret] of Object.entries(secrets)) {
      for (const file of ["parley.db", "parley.db-wal"]) {
        if (await fileContains(`${dir}/${file}`, secret)) found.push(`${name} in ${file}`);
      }
    }
    return found;
  };

  const form = new FormData();
  form.set("content", secrets.edited);
  form.append("attachments", new File([`${secrets.file}\n`.repeat(20)], "notes.txt", { type: "text/plain" }));
  const sent = await api(`/conversations/${team}/messages/`, { method: "POST", body: form });
  assert.equal(sent.status, 201);
  const messageId = (await sent.json()).id;
  const edited = await api(`/messages/${messageId}/`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content: secrets.content }),
  });
  assert.equal(edited.status, 200);
  await checkpoint();
  // the check can see them: before the delete, all three are in the file
  assert.deepEqual((await leftovers()).length, 3);

  const deleted = await api(`/messages/${messageId}/`, {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(deleted.status, 200);
  assert.equal((await deleted.json()).is_deleted, true);
  await checkpoint();

  assert.deepEqual(await leftovers(), []);
  await server.shutdown();
  await deps.close();
  await Deno.remove(dir, { recursive: true });
});
