/**
 * Personal data in message text: email addresses, phone numbers, payment card numbers and
 * IBANs. Pure functions over a string, no I/O, so every send path can run them before
 * anything is stored or published.
 */

/** A kind of personal data the detectors recognise. */
export type PiiLabel = "email" | "phone" | "card" | "iban";

/** Which detectors run; a missing label means on. */
export type PiiDetectors = Partial<Record<PiiLabel, boolean>>;

/** Every label, in the order results are reported. */
export const PII_LABELS: readonly PiiLabel[] = ["email", "phone", "card", "iban"];

const MASK = "•";

/**
 * One pattern with a named group per kind, so a text is scanned once whatever is enabled.
 * Each kind is recognised even when its detector is off: an IBAN stays an IBAN and is not
 * mistaken for a phone number because the IBAN detector is off.
 * - email: a local part and a domain with a letters-only top-level label.
 * - iban: country code, two check digits, then groups of up to four (spaced or not).
 * - card: 13 to 19 digits, optionally split by single spaces or dashes, not part of a longer
 *   number (a decimal, a price or a longer id).
 * - phone: an international number (`+` and country code), a parenthesised area code, a
 *   North American 3-3-4 number with one separator kind, or a national number with a trunk
 *   `0` split into groups. Bare digit runs are ids, not phones; dates, times, prices,
 *   versions and addresses do not fit these shapes or fail the digit counts below.
 */
const PII_PATTERN = new RegExp(
  [
    String
      .raw`(?<email>(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}-]))`,
    String.raw`(?<iban>(?<![\p{L}\p{N}_])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4})*(?: ?[A-Z0-9]{1,4})?(?![\p{L}\p{N}_]))`,
    String.raw`(?<card>(?<![\p{L}\p{N}_.,+]|\d[ -])\d(?:[ -]?\d){12,18}(?![\p{L}\p{N}_]|[ -]\d|[.,]\d))`,
    String.raw`(?<phone>(?<![\p{L}\p{N}_+./#$€£-])(?:${phoneShapes()})(?![\p{L}\p{N}_]|[.,/:-]\d))`,
  ].join("|"),
  "gu",
);

/** The phone shapes, anchored, to re-check a digit run that failed as a card. */
const PHONE_ONLY = new RegExp(String.raw`^(?:${phoneShapes()})$`, "u");

/** Digit counts per phone shape: E.164 allows at most 15 digits; national numbers are 9 to 12. */
const INTERNATIONAL_DIGITS = { min: 8, max: 15 };
const NATIONAL_DIGITS = { min: 9, max: 12 };

function phoneShapes(): string {
  return [
    String.raw`\+[1-9]\d{0,2}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}`,
    String.raw`\(\d{2,4}\)[ .-]?\d{3,5}(?:[ .-]?\d{2,4}){1,2}`,
    String.raw`[2-9]\d{2}(?<sep>[ .-])\d{3}\k<sep>\d{4}`,
    String.raw`0\d{1,4}(?:[ .-]\d{2,5}){1,4}`,
  ].join("|");
}

/** A cheap test that lets text without digits or `@` skip the scan. */
const MAY_HOLD_PII = /[\d@]/;

/**
 * The kinds of personal data in a text, each once, in the order of `PII_LABELS`.
 * @param text the text to scan
 * @param detectors which detectors run (missing = on)
 */
export function detectPii(text: string, detectors: PiiDetectors = {}): PiiLabel[] {
  if (!MAY_HOLD_PII.test(text)) return [];
  const found = new Set<PiiLabel>();
  for (const match of text.matchAll(PII_PATTERN)) {
    const label = classify(match[0], match.groups);
    if (label && detectors[label] !== false) found.add(label);
  }
  return ordered(found);
}

/**
 * The text with each detected item masked, and the kinds found (as `detectPii` reports them).
 * Cards keep their last 4 digits, phones their last 2, IBANs their country code and last 4
 * characters, emails the first character of the local part and the domain; separators stay.
 * @param text the text to mask
 * @param detectors which detectors run (missing = on)
 */
export function maskPii(text: string, detectors: PiiDetectors = {}): { text: string; found: PiiLabel[] } {
  if (!MAY_HOLD_PII.test(text)) return { text, found: [] };
  const found = new Set<PiiLabel>();
  const masked = text.replace(PII_PATTERN, (value: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as Record<string, string | undefined>;
    const label = classify(value, groups);
    if (!label || detectors[label] === false) return value;
    found.add(label);
    return MASKERS[label](value);
  });
  return { text: masked, found: ordered(found) };
}

function ordered(found: Set<PiiLabel>): PiiLabel[] {
  return PII_LABELS.filter((label) => found.has(label));
}

/** The kind a candidate match really is once its checksum or digit count is verified. */
function classify(value: string, groups: Record<string, string | undefined> | undefined): PiiLabel | null {
  if (!groups) return null;
  if (groups.email !== undefined) return "email";
  if (groups.iban !== undefined) return isIban(value) ? "iban" : null;
  if (groups.card !== undefined) {
    if (isCard(value)) return "card";
    // A run that fails Luhn may still be a phone written with spaces (e.g. 13 to 15 digits).
    return PHONE_ONLY.test(value) && isPhone(value) ? "phone" : null;
  }
  if (groups.phone !== undefined) return isPhone(value) ? "phone" : null;
  return null;
}

function digitsOf(value: string): string {
  return value.replace(/\D/g, "");
}

/**
 * A payment card number: 13 to 19 digits passing the Luhn check, starting with a payment
 * network's major industry identifier (2 to 6). Timestamps in milliseconds and snowflake ids
 * start with 1 and pass Luhn one time in ten, so they are not taken for cards.
 */
export function isCard(value: string): boolean {
  const digits = digitsOf(value);
  if (digits.length < 13 || digits.length > 19 || !/^[2-6]/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * An IBAN: 15 to 34 characters whose rearranged numeric form is 1 modulo 97 (ISO 13616).
 */
export function isIban(value: string): boolean {
  const compact = value.replace(/ /g, "").toUpperCase();
  if (compact.length < 15 || compact.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  const numeric = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return BigInt(numeric) % 97n === 1n;
}

/** A phone number: its digit count fits an international (with `+`) or a national number. */
export function isPhone(value: string): boolean {
  const count = digitsOf(value).length;
  const range = value.startsWith("+") ? INTERNATIONAL_DIGITS : NATIONAL_DIGITS;
  return count >= range.min && count <= range.max;
}

/** Masks the characters matching `maskable`, except the first `skipLeading` and the last `visible` of them. */
function maskTail(value: string, maskable: RegExp, visible: number, skipLeading = 0): string {
  const total = Array.from(value).filter((ch) => maskable.test(ch)).length;
  let seen = 0;
  let out = "";
  for (const ch of value) {
    if (!maskable.test(ch)) {
      out += ch;
      continue;
    }
    seen++;
    out += seen <= skipLeading || seen > total - visible ? ch : MASK;
  }
  return out;
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf("@");
  const [first, ...rest] = Array.from(value.slice(0, at));
  return first + MASK.repeat(rest.length) + value.slice(at);
}

const MASKERS: Record<PiiLabel, (value: string) => string> = {
  email: maskEmail,
  phone: (value) => maskTail(value, /\d/, 2),
  card: (value) => maskTail(value, /\d/, 4),
  iban: (value) => maskTail(value, /[A-Za-z0-9]/, 4, 2),
};
