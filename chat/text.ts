import { z } from "zod";

/**
 * The text rules every input field follows, as zod schemas: request schemas build their
 * string fields from these, so the rules live in one place.
 */

/**
 * Unicode format characters (general category Cf): bidi overrides and isolates, zero-width
 * spaces and joiners, soft hyphens, tag characters. Invisible, yet they reorder or hide what
 * is around them, so a name or title could impersonate another or look empty.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * True when a string is text: no NUL (it truncates strings in C libraries and logs) and no
 * UTF-16 surrogate without its pair (it cannot be encoded as UTF-8, so it would be stored
 * as something else than was sent).
 * @param value the string
 */
export function isText(value: string): boolean {
  return value.isWellFormed() && !value.includes("\0");
}

/**
 * The string without Unicode format characters (category Cf).
 * @param value the string
 */
export function stripFormatCharacters(value: string): string {
  return value.replace(FORMAT_CHARACTERS, "");
}

/**
 * Any text field: a string without NUL or unpaired surrogates. Message content is this
 * (emoji sequences need the zero-width joiner, so format characters stay).
 */
export function text() {
  return z.string().refine(isText, { message: "must not contain NUL or unpaired surrogate characters" });
}

/** Text shown as a label beside others' (a topic): format characters removed, may end up empty. */
export function labelText() {
  return text().overwrite(stripFormatCharacters);
}

/**
 * A name or title: format characters removed, trimmed, and something visible must remain
 * (a title of only zero-width characters would be a blank row).
 */
export function displayText() {
  return labelText().trim().min(1, { message: "must contain visible characters" });
}
