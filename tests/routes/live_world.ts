import { type SeededUser, seedTenant } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";

/**
 * Two workspaces behind the real listening server (as main.ts starts it): "acme" with an
 * admin, members bob, carol, erin and guest dan; "other" with its admin and zed.
 */
export async function liveWorld(env: Record<string, string> = {}) {
  const server = await startServer({}, env);
  const deps = server.deps;
  const acme = await seedTenant(deps, "acme", { bob: "member", carol: "member", erin: "member", dan: "guest" });
  const other = await seedTenant(deps, "other", { zed: "member" });
  const { bob, carol, erin, dan } = acme.users;
  return {
    url: server.url,
    deps,
    admin: acme.admin,
    bob,
    carol,
    erin,
    dan,
    outsider: other.admin,
    zed: other.users.zed,
    /** Calls the API over HTTP as a user; a path not starting with /api is under /api/chat. */
    async call(who: SeededUser, method: string, path: string, body?: unknown) {
      const headers: Record<string, string> = { ...who.auth };
      if (body !== undefined) headers["content-type"] = "application/json";
      const url = `${server.url}${path.startsWith("/api/") ? path : `/api/chat${path}`}`;
      const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const type = res.headers.get("content-type") ?? "";
      // deno-lint-ignore no-explicit-any
      const data: any = type.includes("json") ? await res.json() : await res.text();
      return { status: res.status, body: data };
    },
    close: () => server.close(),
  };
}

export type LiveWorld = Awaited<ReturnType<typeof liveWorld>>;

/** Creates a group as `owner` with the given members and returns its id. */
export async function group(w: LiveWorld, owner: SeededUser, members: SeededUser[], title = "Team") {
  const res = await w.call(owner, "POST", "/conversations/", {
    kind: "group",
    title,
    participant_ids: members.map((m) => m.user.id),
  });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Sends a text message and returns its object. */
export async function post(w: LiveWorld, who: SeededUser, conversationId: string, content: string) {
  const res = await w.call(who, "POST", `/conversations/${conversationId}/messages/`, { content });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
