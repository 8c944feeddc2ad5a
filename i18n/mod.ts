import en from "./en.json" with { type: "json" };

export type MessageKey = keyof typeof en;
export type Translator = (
  key: MessageKey,
  params?: Record<string, string | number>,
) => string;
export const LOCALES = ["en"] as const;
export type Locale = typeof LOCALES[number];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en };

/** A translator for a locale; `{name}` placeholders are filled from params. */
export function translator(locale: Locale): Translator {
  const catalog = catalogs[locale] ?? en;
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? `{${k}}`)) : text;
  };
}
