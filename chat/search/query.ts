/**
 * Characters of scripts written without spaces between words (Han, kana, Thai, Lao,
 * Myanmar, Khmer). A message with any of them is also in the trigram index, for
 * substrings; the ranges are those of the `messages_fts_cjk` view (db/migrations).
 */
const NO_WORD_BOUNDARIES =
  /[\u3400-\u4DBF\u4E00-\u9FFF\u3040-\u30FF\u0E00-\u0E7F\u0E80-\u0EFF\u1000-\u109F\u1780-\u17FF]/u;
/** Runs of letters, digits and combining marks: the words of a query, whatever else it holds. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Trigram matching needs three characters. */
const MIN_SUBSTRING = 3;
/** Words of a query that are used; further ones are ignored. */
const MAX_TERMS = 16;

/** A search query as FTS5 expressions, built only from quoted words so no input is syntax. */
export interface SearchTerms {
  /** Words matched as whole words or prefixes (`"word"*` each, all required), or null. */
  words: string | null;
  /** Substrings of text without word boundaries (`"子串"` each, all required), or null. */
  substrings: string | null;
}

/**
 * Turns what a user typed into FTS5 match expressions. Only runs of letters, digits and
 * marks are kept, and each goes inside double quotes, so `"`, `*`, `NEAR(`, `AND` or a
 * column name are plain text, never query syntax. Terms in scripts without spaces become
 * substring terms when at least three characters long; every other term matches words
 * starting with it (case and diacritics are folded by the index).
 * @param q the query as typed
 * @returns null when nothing searchable remains
 */
export function searchTerms(q: string): SearchTerms | null {
  const words: string[] = [];
  const substrings: string[] = [];
  for (const [term] of q.normalize("NFC").matchAll(WORD)) {
    if (words.length + substrings.length >= MAX_TERMS) break;
    if (NO_WORD_BOUNDARIES.test(term)) {
      if ([...term].length >= MIN_SUBSTRING) substrings.push(`"${term}"`);
    } else {
      words.push(`"${term}"*`);
    }
  }
  if (words.length === 0 && substrings.length === 0) return null;
  return {
    words: words.length > 0 ? words.join(" AND ") : null,
    substrings: substrings.length > 0 ? substrings.join(" AND ") : null,
  };
}
