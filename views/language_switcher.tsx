import { type Locale, LOCALE_NAMES, LOCALES, type Translator } from "../i18n/mod.ts";

/** A plain form, so switching works without script; the page script submits on change. */
export function LanguageSwitcher(props: { locale: Locale; t: Translator; back: string }) {
  return (
    <form class="language-switcher" method="post" action="/ui/locale">
      <input type="hidden" name="back" value={props.back} />
      <label>
        <span class="sr-only">{props.t("ui.language")}</span>
        <select name="locale" class="auto-submit" aria-label={props.t("ui.language")}>
          {LOCALES.map((l) => <option value={l} selected={l === props.locale}>{LOCALE_NAMES[l]}</option>)}
        </select>
      </label>
      <noscript>
        <button type="submit">{props.t("ui.apply")}</button>
      </noscript>
    </form>
  );
}
