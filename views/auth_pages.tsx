import type { Child } from "hono/jsx";
import type { Locale, Translator } from "../i18n/mod.ts";
import { Layout } from "./layout.tsx";
import { LanguageSwitcher } from "./language_switcher.tsx";

export interface AuthPageProps {
  locale: Locale;
  t: Translator;
  error?: string;
  values?: Record<string, string>;
  allowSignup: boolean;
}

/** A labelled form input; password values are never echoed back. */
export function Field(
  props: {
    name: string;
    label: string;
    type?: string;
    value?: string;
    required?: boolean;
    hint?: string;
    autocomplete?: string;
  },
) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "password" ? undefined : props.value}
        required={props.required ?? true}
        autocomplete={props.autocomplete ??
          (props.type === "password" ? "current-password" : props.name === "email" ? "email" : "off")}
      />
      {props.hint ? <small>{props.hint}</small> : null}
    </label>
  );
}

/** The card around the signed-out pages: title, language switcher, an error line. */
export function AuthShell(props: AuthPageProps & { title: string; children: unknown; back: string }) {
  const t = props.t;
  return (
    <Layout title={`${props.title} · ${t("app.name")}`} locale={props.locale} t={t} bodyClass="auth">
      <main id="main" class="auth-card" tabindex={-1}>
        <header class="auth-header">
          <span class="logo-mark" aria-hidden="true">P</span>
          <h1>{props.title}</h1>
          <LanguageSwitcher locale={props.locale} t={t} back={props.back} />
        </header>
        {props.error ? <p class="form-error" role="alert">{props.error}</p> : null}
        {props.children}
      </main>
    </Layout>
  );
}

/** A signed-out page's form, posted to the page's own path, and a line that leads elsewhere. */
function AuthForm(
  props: AuthPageProps & { title: string; path: string; submit: string; alt?: Child; children: Child },
) {
  return (
    <AuthShell {...props} back={props.path}>
      <form method="post" action={props.path} class="stack">
        {props.children}
        <button type="submit" class="primary">{props.submit}</button>
      </form>
      {props.alt ? <p class="auth-alt">{props.alt}</p> : null}
    </AuthShell>
  );
}

/** Sign-in form: workspace, email, password; posted to `/login` unless another path is given. */
export function LoginPage(props: AuthPageProps & { path?: string }) {
  const t = props.t;
  const v = props.values ?? {};
  const alt = props.allowSignup
    ? (
      <>
        {t("ui.no_workspace")} <a href="/signup">{t("ui.create_workspace")}</a>
      </>
    )
    : null;
  return (
    <AuthForm {...props} title={t("auth.login")} path={props.path ?? "/login"} submit={t("auth.login")} alt={alt}>
      <Field name="workspace" label={t("ui.workspace")} value={v.workspace} />
      <Field name="email" label={t("ui.email")} type="email" value={v.email} />
      <Field name="password" label={t("ui.password")} type="password" />
    </AuthForm>
  );
}

/** "Create workspace": the workspace and its first admin. */
export function SignupPage(props: AuthPageProps) {
  const t = props.t;
  const v = props.values ?? {};
  const alt = (
    <>
      {t("ui.have_account")} <a href="/login">{t("auth.login")}</a>
    </>
  );
  return (
    <AuthForm {...props} title={t("ui.create_workspace")} path="/signup" submit={t("ui.create_workspace")} alt={alt}>
      <Field name="workspace_name" label={t("ui.workspace_name")} value={v.workspace_name} />
      <Field
        name="workspace_slug"
        label={t("ui.workspace_slug")}
        value={v.workspace_slug}
        required={false}
        hint={t("ui.workspace_slug_hint")}
      />
      <Field name="name" label={t("ui.your_name")} value={v.name} />
      <Field name="email" label={t("ui.email")} type="email" value={v.email} />
      <Field name="password" label={t("ui.password")} type="password" hint={t("ui.password_hint")} />
    </AuthForm>
  );
}
