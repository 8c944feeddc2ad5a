import { type SeededUser, seedTenant, testApp } from "../helpers.ts";

/** Two workspaces: "acme" with an admin, members bob, carol, erin and guest dan; "other" with its admin and zed. */
export async function chatWorld(env: Record<string, string> = {}) {
  const { app, deps } = await testApp(env);
  const acme = await seedTenant(deps, "acme", { bob: "member", carol: "member", erin: "member", dan: "guest" });
  const other = await seedTenant(deps, "other", { zed: "member" });
  const { bob, carol, erin, dan } = acme.users;
  return {
    app,
    deps,
    admin: acme.admin,
    bob,
    carol,
    erin,
    dan,
    outsider: other.admin,
    zed: other.users.zed,
    /** Calls the API as a user; the body is sent as JSON (FormData as multipart). */
    async call(who: SeededUser, method: string, path: string, body?: unknown) {
      const headers: Record<string, string> = { ...who.auth };
      let payload: BodyInit | undefined;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      const res = await app.request(`/api/chat${path}`, { method, headers, body: payload });
      const type = res.headers.get("content-type") ?? "";
      const data = type.includes("json") ? await res.json() : await res.arrayBuffer();
      return { status: res.status, body: data, headers: res.headers };
    },
    close: () => deps.close(),
  };
}

export type ChatWorld = Awaited<ReturnType<typeof chatWorld>>;

/** Creates a group as `owner` with the given members and returns its id. */
export async function makeGroup(w: ChatWorld, owner: SeededUser, members: SeededUser[], title = "Team") {
  const res = await w.call(owner, "POST", "/conversations/", {
    kind: "group",
    title,
    participant_ids: members.map((m) => m.user.id),
  });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Sends a text message and returns its id. */
export async function say(w: ChatWorld, who: SeededUser, conversationId: string, content: string) {
  const res = await w.call(who, "POST", `/conversations/${conversationId}/messages/`, { content });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
