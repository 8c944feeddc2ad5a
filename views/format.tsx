import type { JSX } from "hono/jsx/jsx-runtime";
import type { EntityObject, MentionObject } from "../chat/objects.ts";

type Node = string | JSX.Element;

/** What a message's text refers to, as its object carries it (see `MessageObject`). */
export interface TextReferences {
  mentions: MentionObject[];
  mentions_all: boolean;
  entities: EntityObject[];
}

const NO_REFERENCES: TextReferences = { mentions: [], mentions_all: false, entities: [] };

// One pass over the text: the first alternative that matches at a position wins, so
// markers inside `code` or inside a URL are left alone. Mentions and entity links are the
// tokens chat/mentions/parse.ts resolves: an `@` that follows no letter, digit or `._-@`.
const TOKEN =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|(?<![\p{L}\p{N}._@-])@([A-Za-z0-9._-]+)(?:#([A-Za-z0-9_-]+))?/gu;

/**
 * Safe message formatting: autolinks, `code`, **bold**, mention chips and entity links
 * (each with a button that opens the object's discussion).
 * The text is never parsed as HTML; every piece is emitted as an escaped text node or one of
 * these elements. Only what the message resolved is drawn: an `@name` it does not mention
 * and an `@type#id` it does not link stay text.
 * @param text the message content as typed
 * @param refs the message's mentions, `@all` and entities
 */
export function formatText(text: string, refs: TextReferences = NO_REFERENCES): Node[] {
  const out: Node[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (i > 0) out.push(<br />);
    let last = 0;
    for (const match of line.matchAll(TOKEN)) {
      const at = match.index ?? 0;
      if (at > last) out.push(line.slice(last, at));
      const [whole, code, bold, url, name, id] = match;
      if (code) out.push(<code>{code.slice(1, -1)}</code>);
      else if (bold) out.push(<strong>{bold.slice(2, -2)}</strong>);
      else if (url) out.push(<a href={url} target="_blank" rel="noopener noreferrer nofollow">{url}</a>);
      else if (name !== undefined) {
        const used = reference(whole, name, id, refs);
        out.push(used.node);
        if (used.length < whole.length) out.push(whole.slice(used.length));
      } else out.push(whole);
      last = at + whole.length;
    }
    if (last < line.length) out.push(line.slice(last));
  });
  return out;
}

/** A mention chip or entity link for a token, or the token as text when the message did not resolve it. */
function reference(whole: string, name: string, id: string | undefined, refs: TextReferences) {
  if (id !== undefined) {
    const entity = refs.entities.find((e) => e.type === name && e.id === id);
    if (!entity) return { node: whole, length: whole.length };
    // the discussion of the object is a conversation of its own, opened (or created) in the pane
    return {
      node: (
        <>
          <a
            class="entity-link"
            href={entity.url}
            target="_blank"
            rel="noopener noreferrer nofollow"
            data-entity-type={entity.type}
            data-entity-id={entity.id}
            data-context-url={`/api/chat/context/${entity.type}/${encodeURIComponent(entity.id)}/`}
          >
            {entity.label}
          </a>
          <button
            type="button"
            class="open-discussion"
            hx-get={`/ui/context/${entity.type}/${encodeURIComponent(entity.id)}`}
            hx-target="#pane"
            data-i18n="open_discussion"
          >
          </button>
        </>
      ),
      length: whole.length,
    };
  }
  // a sentence may end right after a mention: "thanks @bob."
  const username = name.toLowerCase().replace(/\.+$/, "");
  const length = 1 + username.length;
  if (username === "all" && refs.mentions_all) {
    return {
      node: <span class="mention mention-all" data-i18n-title="mention_all">{whole.slice(0, length)}</span>,
      length,
    };
  }
  const person = refs.mentions.find((m) => m.username === username);
  if (!person) return { node: whole, length: whole.length };
  return {
    node: (
      <span class="mention" data-user-id={person.user_id} data-username={person.username} title={person.name}>
        {whole.slice(0, length)}
      </span>
    ),
    length,
  };
}

/** A one-line plain-text preview of a message for lists and notifications. */
export function previewText(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * A file size in kilobytes, megabytes or gigabytes, in the given language ("0.6 kB", "1,5 MB").
 * The page script writes it again in the reader's language with the same rule.
 */
export function formatBytes(bytes: number, locale = "en"): string {
  const i = bytes >= 1024 ** 3 ? 3 : bytes >= 1024 ** 2 ? 2 : 1;
  const unit = ["byte", "kilobyte", "megabyte", "gigabyte"][i];
  const key = `${locale} ${unit}`;
  let format = sizeFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 });
    sizeFormats.set(key, format);
  }
  // a file of a few bytes still reads as a size, not "0 kB"
  const value = Math.max(bytes / 1024 ** i, bytes > 0 ? 0.1 : 0);
  return format.format(value);
}

const sizeFormats = new Map<string, Intl.NumberFormat>();
