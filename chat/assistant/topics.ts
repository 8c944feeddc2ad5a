/** Lowercase without accents, so "Política" and "politica" are the same word. */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The first topic with a keyword in the text as a whole word or phrase, case- and
 * diacritics-insensitive ("tax" matches "Tax?" but not "taxi").
 * @param topics each with its keywords
 */
export function matchTopic<T extends { keywords: string[] }>(text: string, topics: T[]): T | undefined {
  const folded = fold(text);
  return topics.find((topic) =>
    topic.keywords.some((keyword) => {
      const word = fold(keyword).trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
      return word !== "" && new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, "u").test(folded);
    })
  );
}
