import type { AuditObject } from "../../chat/admin/audit_log.ts";
import type { UserObject } from "../../chat/objects.ts";
import type { Translator } from "../../i18n/mod.ts";
import { AdminLayout, type AdminPageProps } from "./admin_layout.tsx";

/** The audit filter as the form holds it (dates as YYYY-MM-DD). */
export interface AuditFilterValues {
  actor_id?: string;
  action?: string;
  from?: string;
  to?: string;
}

function query(values: Record<string, string | undefined>): string {
  const entries = Object.entries(values).filter((e): e is [string, string] => !!e[1]);
  return new URLSearchParams(entries).toString();
}

/** A page of entries; when more may follow, a row that loads them in its place. */
export function AuditRows(
  props: { t: Translator; entries: AuditObject[]; filter: AuditFilterValues; hasMore: boolean },
) {
  const last = props.entries.at(-1);
  return (
    <>
      {props.entries.map((e) => (
        <tr class="audit-row" data-action={e.action}>
          <td>
            <time datetime={e.at}>{e.at.replace("T", " ").slice(0, 19)}</time>
          </td>
          <td class="audit-actor">{e.actor_name ?? e.actor_id ?? "—"}</td>
          <td class="audit-action">{e.action}</td>
          <td class="audit-target">{e.target_type ? `${e.target_type} ${e.target_id ?? ""}` : ""}</td>
          <td class="audit-ip">{e.ip ?? ""}</td>
          <td class="audit-details">
            <code>{JSON.stringify(e.details)}</code>
          </td>
        </tr>
      ))}
      {props.hasMore && last
        ? (
          <tr class="audit-more">
            <td colspan={6}>
              <button
                type="button"
                class="link-button"
                hx-get={`/admin/audit/rows?${query({ ...props.filter, before_id: last.id })}`}
                hx-target="closest tr"
                hx-swap="outerHTML"
              >
                {props.t("admin.older")}
              </button>
            </td>
          </tr>
        )
        : null}
    </>
  );
}

/** `/admin/audit`: the log, filtered by actor, action and dates, with its downloads. */
export function AuditPage(
  props: AdminPageProps & {
    users: UserObject[];
    filter: AuditFilterValues;
    entries: AuditObject[];
    hasMore: boolean;
  },
) {
  const { t, filter } = props;
  const download = (format: string) => `/api/admin/audit/?${query({ ...filter, format })}`;
  return (
    <AdminLayout {...props} title={t("admin.audit")}>
      <form class="inline-form audit-filter" method="get" action="/admin/audit">
        <label class="field">
          <span>{t("admin.actor")}</span>
          <select name="actor_id">
            <option value="">{t("admin.anyone")}</option>
            {props.users.map((u) => <option value={u.id} selected={u.id === filter.actor_id}>{u.name}</option>)}
          </select>
        </label>
        <label class="field">
          <span>{t("admin.action")}</span>
          <input name="action" value={filter.action ?? ""} placeholder="user.role_changed" maxlength={64} />
        </label>
        <label class="field">
          <span>{t("admin.from")}</span>
          <input name="from" type="date" value={filter.from ?? ""} />
        </label>
        <label class="field">
          <span>{t("admin.to")}</span>
          <input name="to" type="date" value={filter.to ?? ""} />
        </label>
        <button type="submit" class="primary">{t("admin.filter")}</button>
      </form>
      <p class="audit-downloads">
        {t("admin.download")}: <a href={download("csv")} download>CSV</a> ·{" "}
        <a href={download("jsonl")} download>
          JSON lines
        </a>
      </p>
      <table class="admin-table audit-table">
        <thead>
          <tr>
            <th>{t("admin.when")}</th>
            <th>{t("admin.actor")}</th>
            <th>{t("admin.action")}</th>
            <th>{t("admin.target")}</th>
            <th>IP</th>
            <th>{t("admin.details")}</th>
          </tr>
        </thead>
        <tbody id="audit-rows">
          <AuditRows t={t} entries={props.entries} filter={filter} hasMore={props.hasMore} />
          {props.entries.length === 0
            ? (
              <tr>
                <td colspan={6} class="empty-note">{t("admin.no_entries")}</td>
              </tr>
            )
            : null}
        </tbody>
      </table>
    </AdminLayout>
  );
}
