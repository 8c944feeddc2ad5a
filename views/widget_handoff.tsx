import type { Locale, Translator } from "../i18n/mod.ts";
import { Layout } from "./layout.tsx";

/**
 * The sign-in popup's last page: its script hands the session to the widget that opened it
 * (same origin only) and closes the popup.
 */
export function WidgetHandoffPage(props: { locale: Locale; t: Translator; token: string }) {
  return (
    <Layout title={props.t("app.name")} locale={props.locale} t={props.t} bodyClass="auth widget-handoff">
      <main class="auth-card" data-session={props.token}>
        <p>{props.t("ui.widget_signed_in")}</p>
      </main>
    </Layout>
  );
}
