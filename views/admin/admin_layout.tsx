import type { Child } from "hono/jsx";
import type { Locale, Translator } from "../../i18n/mod.ts";
import { Layout } from "../layout.tsx";
import { LanguageSwitcher } from "../language_switcher.tsx";

/** What every admin page knows: the viewer's language, the workspace and where it is. */
export interface AdminPageProps {
  locale: Locale;
  t: Translator;
  workspace: { name: string; slug: string; signInUrl: string };
  brandCss?: string;
  viewerId: string;
  /** The page's own path, for the language switcher and the current tab. */
  path: string;
}

const TABS = [
  { path: "/admin", label: "admin.people" },
  { path: "/admin/workspace", label: "admin.workspace" },
  { path: "/admin/audit", label: "admin.audit" },
] as const;

/** The document around the admin pages: a top bar with the tabs and a way back to the chat. */
export function AdminLayout(props: AdminPageProps & { title: string; children: Child }) {
  const t = props.t;
  return (
    <Layout
      title={`${props.title} · ${props.workspace.name}`}
      locale={props.locale}
      t={t}
      userId={props.viewerId}
      brandCss={props.brandCss}
      bodyClass="admin"
    >
      <header class="topbar">
        <span class="brand">
          <span class="logo-mark" aria-hidden="true">P</span>
          <span class="workspace-name">{props.workspace.name}</span>
        </span>
        <nav class="admin-tabs" aria-label={t("admin.title")}>
          {TABS.map((tab) => (
            <a href={tab.path} aria-current={tab.path === props.path ? "page" : undefined}>{t(tab.label)}</a>
          ))}
        </nav>
        <span class="topbar-tools">
          <LanguageSwitcher locale={props.locale} t={t} back={props.path} />
          <a href="/" class="link-button back-to-chat">{t("admin.back_to_chat")}</a>
        </span>
      </header>
      <main id="main" class="admin-main" tabindex={-1}>
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </Layout>
  );
}

/** The workspace's address and the sign-in link people use, shown prominently. */
export function WorkspaceAddress(props: { t: Translator; slug: string; signInUrl: string }) {
  const t = props.t;
  return (
    <section class="workspace-address" aria-label={t("admin.address")}>
      <p>
        {t("admin.address")}: <strong class="workspace-slug">{props.slug}</strong>
      </p>
      <label class="field">
        <span>{t("admin.sign_in_url")}</span>
        <input class="sign-in-url copy-field" readonly value={props.signInUrl} />
      </label>
    </section>
  );
}
