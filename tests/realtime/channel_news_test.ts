import assert from "node:assert/strict";
import { json, seedTenant } from "../helpers.ts";
import { startServer } from "./server.ts";
import { SseReader } from "./sse_reader.ts";

const created = (reader: SseReader) => reader.of("conversation_created").map((m) => JSON.parse(m.data));

Deno.test("a new channel reaches every member of its workspace, not guests nor other workspaces; a group only its people", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { bob: "member", gus: "guest" });
  const other = await seedTenant(server.deps, "other");
  const { admin, users: { bob, gus } } = acme;
  const open = (auth: Record<string, string>) => SseReader.open(`${server.url}/api/chat/events`, auth);
  const [sBob, sGus, sOther] = await Promise.all([open(bob.auth), open(gus.auth), open(other.admin.auth)]);
  await Promise.all([sBob, sGus, sOther].map((s) => s.count("connected", 1)));

  const post = async (auth: Record<string, string>, body: unknown) => {
    const r = await fetch(`${server.url}/api/chat/conversations`, json(body, auth));
    assert.equal(r.status, 201);
    return (await r.json()).id as string;
  };
  const admins = await post(admin.auth, { kind: "group", title: "Admins", participant_ids: [] });
  const news = await post(admin.auth, { kind: "channel", title: "News", participant_ids: [] });
  // later events each of them does get, so the channel would have reached them by then
  const withGus = await post(admin.auth, { kind: "group", title: "With Gus", participant_ids: [gus.user.id] });
  const theirs = await post(other.admin.auth, { kind: "group", title: "Theirs", participant_ids: [] });
  await sBob.count("conversation_created", 1);
  await sGus.count("conversation_created", 1);
  await sOther.count("conversation_created", 1);

  assert.deepEqual(created(sBob).map((d) => d.conversation.id), [news]);
  assert.deepEqual(created(sGus).map((d) => d.conversation.id), [withGus]);
  assert.deepEqual(created(sOther).map((d) => d.conversation.id), [theirs]);
  assert.ok(!created(sBob).some((d) => d.conversation.id === admins));
  await Promise.all([sBob, sGus, sOther].map((s) => s.close()));
  await server.close();
});
