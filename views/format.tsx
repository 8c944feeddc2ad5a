import type { JSX } from "hono/jsx/jsx-runtime";

type Node = string | JSX.Element;

// One pass over the text: the first alternative that matches at a position wins, so
// markers inside `code` or inside a URL are left alone.
const TOKEN = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|(@[a-z0-9._-]{1,32})/gi;

/**
 * Safe message formatting: autolinks, `code`, **bold** and @mentions. The text is never
 * parsed as HTML; every piece is emitted as an escaped text node or one of these elements.
 * @param text the message content as typed
 */
export function formatText(text: string): Node[] {
  const out: Node[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (i > 0) out.push(<br />);
    let last = 0;
    for (const match of line.matchAll(TOKEN)) {
      const at = match.index ?? 0;
      if (at > last) out.push(line.slice(last, at));
      const [whole, code, bold, url, mention] = match;
      if (code) out.push(<code>{code.slice(1, -1)}</code>);
      else if (bold) out.push(<strong>{bold.slice(2, -2)}</strong>);
      else if (url) out.push(<a href={url} target="_blank" rel="noopener noreferrer nofollow">{url}</a>);
      else if (mention) out.push(<span class="mention" data-username={mention.slice(1).toLowerCase()}>{mention}</span>);
      else out.push(whole);
      last = at + whole.length;
    }
    if (last < line.length) out.push(line.slice(last));
  });
  return out;
}

/** A one-line plain-text preview of a message for lists and notifications. */
export function previewText(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Bytes as a short size; the page script re-renders it with Intl in the reader's locale. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
