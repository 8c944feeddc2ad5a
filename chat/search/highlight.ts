/** Marks FTS5 puts around each match (private-use characters), turned into `<mark>` here. */
export const MATCH_OPEN = "\uE000";
export const MATCH_CLOSE = "\uE001";
/** Characters of content an excerpt shows at most. */
export const EXCERPT_LENGTH = 300;
/** Characters shown before the first match when the content is longer than an excerpt. */
const LEAD = 60;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The highlight of a search result: an excerpt of at most EXCERPT_LENGTH characters of the
 * content around its first match, every character HTML-escaped and matches wrapped in
 * `<mark>…</mark>`. Only `<mark>` and `</mark>` are ever emitted as markup, always paired.
 * @param marked the content with each match between MATCH_OPEN and MATCH_CLOSE
 */
export function highlightHtml(marked: string): string {
  const chars: { c: string; hit: boolean }[] = [];
  let inside = false;
  for (const c of marked) {
    if (c === MATCH_OPEN) inside = true;
    else if (c === MATCH_CLOSE) inside = false;
    else chars.push({ c, hit: inside });
  }
  const first = Math.max(0, chars.findIndex((x) => x.hit));
  const start = Math.max(0, Math.min(first - LEAD, chars.length - EXCERPT_LENGTH));
  const excerpt = chars.slice(start, start + EXCERPT_LENGTH);
  let html = "";
  let open = false;
  let run = "";
  for (const x of excerpt) {
    if (x.hit !== open) {
      html += escapeHtml(run) + (x.hit ? "<mark>" : "</mark>");
      run = "";
      open = x.hit;
    }
    run += x.c;
  }
  return html + escapeHtml(run) + (open ? "</mark>" : "");
}
