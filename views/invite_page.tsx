import { type AuthPageProps, AuthShell, Field } from "./auth_pages.tsx";

export interface InvitePageProps extends Omit<AuthPageProps, "allowSignup"> {
  token: string;
  /** Null when the link is invalid, expired or used: the page then only explains that. */
  invite: { workspace: string; email: string; name: string } | null;
}

/** The invite link's page: choose a display name and a first password, then sign in. */
export function InvitePage(props: InvitePageProps) {
  const t = props.t;
  const back = `/invite/${props.token}`;
  if (!props.invite) {
    return (
      <AuthShell {...props} allowSignup={false} title={t("ui.invite_expired_title")} back={back}>
        <p class="form-error" role="alert">{t("ui.invite_invalid")}</p>
        <p class="auth-alt">
          <a href="/login">{t("auth.login")}</a>
        </p>
      </AuthShell>
    );
  }
  const invite = props.invite;
  return (
    <AuthShell {...props} allowSignup={false} title={t("ui.invite_title", { workspace: invite.workspace })} back={back}>
      <p class="auth-intro">{t("ui.invite_intro", { email: invite.email })}</p>
      <form method="post" action={back} class="stack">
        <Field name="name" label={t("ui.your_name")} value={props.values?.name ?? invite.name} autocomplete="name" />
        <Field
          name="password"
          label={t("ui.password")}
          type="password"
          hint={t("ui.password_hint")}
          autocomplete="new-password"
        />
        <button type="submit" class="primary">{t("ui.invite_accept")}</button>
      </form>
    </AuthShell>
  );
}
