import assert from "node:assert/strict";
import { json, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

function post(server: Server, path: string, fields: Record<string, string | string[]>, auth: Record<string, string>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return fetch(`${server.url}${path}`, { method: "POST", headers: { ...auth, "hx-request": "true" }, body });
}

async function status(res: Promise<Response>) {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

async function members(server: Server, id: string, auth: Record<string, string>) {
  const conv = await (await fetch(`${server.url}/api/chat/conversations/${id}`, { headers: auth })).json();
  return { title: conv.title as string, ids: (conv.participants as { id: string }[]).map((p) => p.id).sort() };
}

Deno.test("over HTTP, a group's members manage it from the pane only as far as their role allows", async () => {
  const server = await startServer();
  const acme = await seedTenant(server.deps, "acme", { olga: "member", bob: "member", carol: "member" });
  const globex = await seedTenant(server.deps, "globex");
  const { olga, bob, carol } = acme.users;
  const created = await fetch(
    `${server.url}/api/chat/conversations`,
    json({ kind: "group", title: "Plans", participant_ids: [bob.user.id] }, olga.auth),
  );
  const group = (await created.json()).id as string;
  const base = `/ui/conversations/${group}`;

  const bobPanel = await (await fetch(`${server.url}${base}/manage`, { headers: bob.auth })).text();
  const olgaPanel = await (await fetch(`${server.url}${base}/manage`, { headers: olga.auth })).text();
  const attacks = {
    "member renames": await status(post(server, `${base}/rename`, { title: "Bob's" }, bob.auth)),
    "member adds": await status(post(server, `${base}/members`, { user_ids: carol.user.id }, bob.auth)),
    "outsider opens the panel": await status(fetch(`${server.url}${base}/manage`, { headers: carol.auth })),
    "outsider renames": await status(post(server, `${base}/rename`, { title: "Carol's" }, carol.auth)),
    "outsider adds self": await status(post(server, `${base}/members`, { user_ids: carol.user.id }, carol.auth)),
    "outsider leaves": await status(post(server, `${base}/leave`, {}, carol.auth)),
    "other workspace renames": await status(post(server, `${base}/rename`, { title: "X" }, globex.admin.auth)),
    "other workspace adds": await status(
      post(server, `${base}/members`, { user_ids: globex.admin.user.id }, globex.admin.auth),
    ),
    "owner adds someone of another workspace": await status(
      post(server, `${base}/members`, { user_ids: globex.admin.user.id }, olga.auth),
    ),
  };

  assert.match(bobPanel, /leave-button/);
  assert.doesNotMatch(bobPanel, /rename-form/);
  assert.match(olgaPanel, /rename-form/);
  assert.match(olgaPanel, new RegExp(`value="${carol.user.id}"`));
  assert.deepEqual(attacks, {
    "member renames": 403,
    "member adds": 403,
    "outsider opens the panel": 404,
    "outsider renames": 404,
    "outsider adds self": 404,
    "outsider leaves": 404,
    "other workspace renames": 404,
    "other workspace adds": 404,
    "owner adds someone of another workspace": 404,
  });
  assert.deepEqual(await members(server, group, olga.auth), {
    title: "Plans",
    ids: [olga.user.id, bob.user.id].sort(),
  });

  const renamed = await post(server, `${base}/rename`, { title: "Plans 2" }, olga.auth);
  const added = await post(server, `${base}/members`, { user_ids: carol.user.id }, olga.auth);
  const left = await post(server, `${base}/leave`, {}, bob.auth);

  assert.equal(renamed.status, 200);
  assert.match(await renamed.text(), /<h2>Plans 2<\/h2>/);
  assert.equal(added.status, 200);
  await added.body?.cancel();
  assert.equal(left.status, 200);
  assert.equal(left.headers.get("hx-redirect"), "/");
  await left.body?.cancel();
  assert.deepEqual(await members(server, group, olga.auth), {
    title: "Plans 2",
    ids: [olga.user.id, carol.user.id].sort(),
  });
  await server.close();
});
