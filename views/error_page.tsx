import type { Locale, Translator } from "../i18n/mod.ts";
import { Layout } from "./layout.tsx";

/** A plain page for errors of full-page requests. */
export function ErrorPage(props: { locale: Locale; t: Translator; text: string }) {
  return (
    <Layout title={props.t("app.name")} locale={props.locale} t={props.t} bodyClass="auth">
      <main id="main" class="auth-card" tabindex={-1}>
        <h1 class="sr-only">{props.t("app.name")}</h1>
        <p class="form-error" role="alert">{props.text}</p>
        <p>
          <a href="/">{props.t("ui.back")}</a>
        </p>
      </main>
    </Layout>
  );
}
