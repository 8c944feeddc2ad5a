import { ORIGIN, type SeededUser } from "../helpers.ts";
import { type ChatWorld, chatWorld, makeGroup, say } from "../chat/world.ts";

/** Headers a same-origin htmx request from our own page carries; an empty `extra` value drops one. */
export function browserHeaders(who: SeededUser | null, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    ...(who ? { cookie: `parley_session=${who.token}` } : {}),
    origin: ORIGIN,
    "sec-fetch-site": "same-origin",
    "hx-request": "true",
    ...extra,
  };
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ""));
}

/** A browser call: the session cookie, our origin, and a form body when given. */
export function browse(
  w: ChatWorld,
  who: SeededUser | null,
  method: string,
  path: string,
  form?: Record<string, string | string[]>,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  let body: URLSearchParams | undefined;
  if (form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  }
  return Promise.resolve(
    w.app.request(path, { method, headers: browserHeaders(who, init.headers), body, signal: init.signal }),
  );
}

/**
 * The chat world plus a group of admin and bob (with a message by bob and a PNG attachment),
 * and a channel of admin and bob. carol and erin are members outside both, dan a guest
 * outside both, zed and the other admin live in another workspace.
 */
export async function uiWorld() {
  const w = await chatWorld();
  const group = await makeGroup(w, w.admin, [w.bob], "Secret plans");
  const message = await say(w, w.bob, group, "the launch code is 0000");
  const channel = (await w.call(w.admin, "POST", "/conversations/", {
    kind: "channel",
    title: "announcements",
    participant_ids: [w.bob.user.id],
  })).body.id as string;
  const upload = new FormData();
  upload.append("content", "see the plan");
  upload.append("attachments", new File([PNG], "plan.png", { type: "image/png" }));
  const sent = await w.call(w.bob, "POST", `/conversations/${group}/messages/`, upload);
  if (sent.status !== 201) throw new Error(`upload failed: ${sent.status}`);
  const attachmentUrl = sent.body.attachments[0].url as string;
  return { ...w, group, message, channel, attachmentUrl };
}

export type UiWorld = Awaited<ReturnType<typeof uiWorld>>;

/** The smallest valid PNG: one transparent pixel. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (ch) => ch.charCodeAt(0),
);

export { say };
