import en from "./en.json" with { type: "json" };
import es from "./es.json" with { type: "json" };
import ptBR from "./pt-BR.json" with { type: "json" };

/** Every key of the source catalog; a key used in code but missing from en.json is a type error. */
export type MessageKey = keyof typeof en;
export type Translator = (
  key: MessageKey,
  params?: Record<string, string | number>,
) => string;

export const LOCALES = ["en", "es", "pt-BR"] as const;
export type Locale = typeof LOCALES[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Native names for the language switcher. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: "English",
  es: "Español",
  "pt-BR": "Português (Brasil)",
};

// Typed as complete catalogs: a locale file missing a key of en.json fails `deno check`.
const catalogs: Record<Locale, Record<MessageKey, string>> = {
  en,
  es,
  "pt-BR": ptBR,
};

/** The raw catalogs, for tests that compare keys. */
export function catalogFor(locale: Locale): Readonly<Record<string, string>> {
  return catalogs[locale];
}

/** True for one of the supported locale codes, spelled exactly. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * Maps a language tag to a supported locale: exact match ignoring case, then the base
 * language (`es-MX` → `es`, any Portuguese → `pt-BR`); undefined when unsupported.
 */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const base = lower.split(/[-_]/)[0];
  if (base === "pt") return "pt-BR";
  return LOCALES.find((l) => l.toLowerCase() === base);
}

/** A translator for a locale; `{name}` placeholders are filled from params. */
export function translator(locale: Locale): Translator {
  const catalog = catalogs[locale] ?? catalogs.en;
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? `{${k}}`)) : text;
  };
}
