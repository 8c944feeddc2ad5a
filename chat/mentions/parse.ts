import { ENTITY_ID_PATTERN, ENTITY_TYPE_PATTERN } from "../entities/types.ts";

/**
 * `@name` and `@type#id` in message text. The `@` must not follow a letter, digit or one of
 * `. _ - @`, so an email address (`ana@example.com`) is never a mention.
 * views/format.tsx finds the same tokens to draw them.
 */
const TOKEN = /(?<![\p{L}\p{N}._@-])@([A-Za-z0-9._-]+)(?:#([A-Za-z0-9_-]+))?/gu;
const USERNAME = /^[a-z0-9._-]{2,32}$/;

/** What a message's text refers to, each once, in order of first appearance. */
export interface MentionTokens {
  /** Lowercased usernames, `all` included when written. */
  usernames: string[];
  entities: { type: string; id: string }[];
}

/**
 * Finds the mention and entity tokens of a text. A username is matched without trailing
 * dots (`@bob.` at the end of a sentence is `bob`); whether it names someone is decided
 * later, against the workspace.
 * @param text message content
 */
export function mentionTokens(text: string): MentionTokens {
  const usernames: string[] = [];
  const entities: { type: string; id: string }[] = [];
  if (!text.includes("@")) return { usernames, entities };
  for (const match of text.matchAll(TOKEN)) {
    const [, name, id] = match;
    if (id !== undefined) {
      if (!ENTITY_TYPE_PATTERN.test(name) || !ENTITY_ID_PATTERN.test(id)) continue;
      if (!entities.some((e) => e.type === name && e.id === id)) entities.push({ type: name, id });
      continue;
    }
    const username = name.toLowerCase().replace(/\.+$/, "");
    if (USERNAME.test(username) && !usernames.includes(username)) usernames.push(username);
  }
  return { usernames, entities };
}
