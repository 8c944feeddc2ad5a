import { type AuthPageProps, AuthShell, Field } from "./auth_pages.tsx";

export interface ResetPageProps extends Omit<AuthPageProps, "allowSignup"> {
  token: string;
  /** Null when the link is invalid, expired or used: the page then only explains that. */
  reset: { workspace: string; email: string } | null;
}

/** A password reset link's page: choose a new password, then sign in. */
export function ResetPage(props: ResetPageProps) {
  const t = props.t;
  const back = `/reset/${props.token}`;
  if (!props.reset) {
    return (
      <AuthShell {...props} allowSignup={false} title={t("admin.reset_expired_title")} back={back}>
        <p class="form-error" role="alert">{t("admin.reset_invalid")}</p>
        <p class="auth-alt">
          <a href="/login">{t("auth.login")}</a>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell {...props} allowSignup={false} title={t("admin.reset_title")} back={back}>
      <p class="auth-intro">{t("admin.reset_intro", { email: props.reset.email, workspace: props.reset.workspace })}</p>
      <form method="post" action={back} class="stack">
        <Field
          name="password"
          label={t("ui.password")}
          type="password"
          hint={t("ui.password_hint")}
          autocomplete="new-password"
        />
        <button type="submit" class="primary">{t("admin.reset_submit")}</button>
      </form>
    </AuthShell>
  );
}
