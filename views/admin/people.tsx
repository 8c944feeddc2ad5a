import type { UserObject } from "../../chat/objects.ts";
import type { Translator } from "../../i18n/mod.ts";
import { AdminLayout, type AdminPageProps, WorkspaceAddress } from "./admin_layout.tsx";

const ROLES = ["admin", "member", "guest"] as const;

/** A one-time link an admin hands over (an invite or a password reset), selected for copying. */
export function OneTimeLink(props: { t: Translator; label: string; url: string; name: string }) {
  return (
    <div class="one-time-link" role="status">
      <label class="field">
        <span>{props.label}</span>
        <input class={`copy-field ${props.name}`} readonly value={props.url} autofocus />
      </label>
      <p class="hint">{props.t("admin.link_once")}</p>
    </div>
  );
}

/** One person: their role, whether they can sign in and a password reset link. */
export function PersonRow(props: { t: Translator; user: UserObject; viewerId: string }) {
  const { t, user } = props;
  const path = `/admin/people/${user.id}`;
  return (
    <tr id={`user-${user.id}`} class={user.is_active ? "person-row" : "person-row inactive"} data-email={user.email}>
      <td>
        <span class="person-name">{user.name}</span>
        <span class="person-email">{user.email}</span>
      </td>
      <td>
        <form hx-post={path} hx-trigger="change" hx-target={`#user-${user.id}`} hx-swap="outerHTML">
          <select name="role" aria-label={t("admin.role")}>
            {ROLES.map((r) => <option value={r} selected={r === user.role}>{t(`admin.role_${r}`)}</option>)}
          </select>
        </form>
      </td>
      <td class="person-state">
        {user.is_active ? t("admin.active") : t("admin.deactivated")}
      </td>
      <td class="person-actions">
        <button
          type="button"
          class="link-button toggle-active"
          hx-post={path}
          hx-vals={JSON.stringify({ is_active: user.is_active ? "false" : "true" })}
          hx-target={`#user-${user.id}`}
          hx-swap="outerHTML"
        >
          {user.is_active ? t("admin.deactivate") : t("admin.reactivate")}
        </button>
        {user.is_active
          ? (
            <button
              type="button"
              class="link-button reset-link"
              hx-post={`${path}/reset_link`}
              hx-target={`#reset-${user.id}`}
            >
              {t("admin.reset_password")}
            </button>
          )
          : null}
        <div id={`reset-${user.id}`}></div>
      </td>
    </tr>
  );
}

/** The people table's body: also the search's answer. */
export function PeopleRows(props: { t: Translator; users: UserObject[]; viewerId: string }) {
  return (
    <tbody id="people-rows">
      {props.users.map((user) => <PersonRow t={props.t} user={user} viewerId={props.viewerId} />)}
      {props.users.length === 0
        ? (
          <tr>
            <td colspan={4} class="empty-note">{props.t("admin.no_matches")}</td>
          </tr>
        )
        : null}
    </tbody>
  );
}

/** The invite form; after an invite it shows the new person's one-time link above a fresh form. */
export function InviteSection(props: { t: Translator; invited?: { email: string; url: string } }) {
  const t = props.t;
  return (
    <section id="invite" class="admin-section">
      <h2>{t("admin.invite_people")}</h2>
      {props.invited
        ? (
          <OneTimeLink
            t={t}
            name="invite-url"
            label={t("admin.invite_link_for", { email: props.invited.email })}
            url={props.invited.url}
          />
        )
        : null}
      <form class="inline-form" hx-post="/admin/people" hx-target="#invite" hx-swap="outerHTML">
        <label class="field">
          <span>{t("admin.name")}</span>
          <input name="name" required maxlength={80} />
        </label>
        <label class="field">
          <span>{t("admin.email")}</span>
          <input name="email" type="email" required maxlength={254} />
        </label>
        <label class="field">
          <span>{t("admin.role")}</span>
          <select name="role">
            {ROLES.map((r) => <option value={r} selected={r === "member"}>{t(`admin.role_${r}`)}</option>)}
          </select>
        </label>
        <button type="submit" class="primary">{t("admin.invite")}</button>
      </form>
    </section>
  );
}

/** `/admin`: the workspace's people, with search, invites and per-person actions. */
export function PeoplePage(props: AdminPageProps & { users: UserObject[]; query: string }) {
  const t = props.t;
  return (
    <AdminLayout {...props} title={t("admin.people")}>
      <WorkspaceAddress t={t} slug={props.workspace.slug} signInUrl={props.workspace.signInUrl} />
      <InviteSection t={t} />
      <section class="admin-section">
        <input
          type="search"
          name="q"
          value={props.query}
          placeholder={t("admin.search_people")}
          aria-label={t("admin.search_people")}
          hx-get="/admin/people"
          hx-trigger="input changed delay:250ms, search"
          hx-target="#people-rows"
          hx-swap="outerHTML"
        />
        <table class="admin-table people-table">
          <thead>
            <tr>
              <th>{t("admin.person")}</th>
              <th>{t("admin.role")}</th>
              <th>{t("admin.state")}</th>
              <th>{t("admin.actions")}</th>
            </tr>
          </thead>
          <PeopleRows t={t} users={props.users} viewerId={props.viewerId} />
        </table>
      </section>
    </AdminLayout>
  );
}
