import type { Translator } from "../../i18n/mod.ts";
import { AdminLayout, type AdminPageProps, WorkspaceAddress } from "./admin_layout.tsx";

/** How one setting is edited, worked out from its schema by the route. */
export interface SettingField {
  key: string;
  label: string;
  kind: "number" | "select" | "checkbox" | "checks" | "json" | "text";
  value: unknown;
  options?: { value: string; label: string }[];
  min?: number;
  max?: number;
  hint?: string;
}

/** A group of settings saved together: its form sends only these keys. */
export interface SettingsSection {
  id: string;
  title: string;
  fields: SettingField[];
  errors?: string[];
  saved?: boolean;
}

function FieldInput(props: { field: SettingField; t: Translator }) {
  const f = props.field;
  const id = `setting-${f.key}`;
  switch (f.kind) {
    case "number":
      return (
        <input
          id={id}
          name={f.key}
          type="number"
          value={f.value == null ? "" : String(f.value)}
          min={f.min}
          max={f.max}
        />
      );
    case "select":
      return (
        <select id={id} name={f.key}>
          {(f.options ?? []).map((o) => (
            <option value={o.value} selected={o.value === (f.value ?? "")}>{o.label}</option>
          ))}
        </select>
      );
    case "checkbox":
      return (
        <>
          <input type="hidden" name={f.key} value="false" />
          <input id={id} name={f.key} type="checkbox" value="true" checked={f.value === true} />
        </>
      );
    case "checks": {
      const on = new Set(
        Array.isArray(f.value) ? f.value.map(String) : Object.entries(f.value ?? {}).flatMap(([k, v]) => v ? [k] : []),
      );
      return (
        <span class="checks" id={id}>
          <input type="hidden" name={f.key} value="" />
          {(f.options ?? []).map((o) => (
            <label class="check">
              <input type="checkbox" name={f.key} value={o.value} checked={on.has(o.value)} /> {o.label}
            </label>
          ))}
        </span>
      );
    }
    case "json":
      return (
        <textarea id={id} name={f.key} rows={4} spellcheck={false}>{JSON.stringify(f.value ?? null, null, 2)}</textarea>
      );
    default:
      return <input id={id} name={f.key} value={f.value == null ? "" : String(f.value)} />;
  }
}

/** One section of settings with its own form; the answer to a save replaces it. */
export function SettingsSectionForm(props: { section: SettingsSection; t: Translator }) {
  const { section, t } = props;
  return (
    <section id={`settings-${section.id}`} class="admin-section settings-section">
      <h2>{section.title}</h2>
      <form
        class="stack"
        hx-post={`/admin/workspace/settings/${section.id}`}
        hx-target={`#settings-${section.id}`}
        hx-swap="outerHTML"
      >
        {section.fields.map((f) => (
          <div class={`field setting setting-${f.kind}`}>
            <label for={`setting-${f.key}`}>{f.label}</label>
            <FieldInput field={f} t={t} />
            {f.hint ? <small class="hint">{f.hint}</small> : null}
          </div>
        ))}
        {section.errors?.length
          ? (
            <ul class="form-error" role="alert">
              {section.errors.map((e) => <li>{e}</li>)}
            </ul>
          )
          : null}
        {section.saved ? <p class="saved-note" role="status">{t("admin.saved")}</p> : null}
        <button type="submit" class="primary">{t("admin.save")}</button>
      </form>
    </section>
  );
}

/** The workspace's name; renaming keeps the address. */
export function NameSection(props: { t: Translator; name: string; saved?: boolean }) {
  const t = props.t;
  return (
    <section id="workspace-name" class="admin-section">
      <h2>{t("admin.workspace_name")}</h2>
      <form class="inline-form" hx-post="/admin/workspace/name" hx-target="#workspace-name" hx-swap="outerHTML">
        <input name="name" value={props.name} required maxlength={80} aria-label={t("admin.workspace_name")} />
        <button type="submit" class="primary">{t("admin.save")}</button>
        {props.saved ? <span class="saved-note" role="status">{t("admin.saved")}</span> : null}
      </form>
    </section>
  );
}

/** Accent colour and logo. The logo is an uploaded image, kept like an attachment. */
export function BrandingSection(
  props: { t: Translator; color?: string; logoUrl?: string; saved?: boolean; error?: string },
) {
  const t = props.t;
  return (
    <section id="branding" class="admin-section">
      <h2>{t("admin.branding")}</h2>
      <form class="inline-form" hx-post="/admin/workspace/branding" hx-target="#branding" hx-swap="outerHTML">
        <label class="field">
          <span>{t("admin.accent_colour")}</span>
          <input name="primary_color" type="color" value={props.color ?? "#3366ff"} />
        </label>
        <button type="submit" class="primary">{t("admin.save")}</button>
      </form>
      <form
        class="inline-form"
        hx-post="/admin/workspace/logo"
        hx-target="#branding"
        hx-swap="outerHTML"
        enctype="multipart/form-data"
      >
        {props.logoUrl ? <img class="logo-preview" src={props.logoUrl} alt={t("admin.logo")} /> : null}
        <label class="field">
          <span>{t("admin.logo")}</span>
          <input name="logo" type="file" accept="image/png,image/jpeg,image/gif,image/webp" required />
        </label>
        <button type="submit">{t("admin.upload")}</button>
      </form>
      {props.error ? <p class="form-error" role="alert">{props.error}</p> : null}
      {props.saved ? <p class="saved-note" role="status">{t("admin.saved")}</p> : null}
    </section>
  );
}

/** `/admin/workspace`: the address, name, branding and every other setting, by section. */
export function WorkspacePage(
  props: AdminPageProps & { sections: SettingsSection[]; branding: { color?: string; logoUrl?: string } },
) {
  const t = props.t;
  return (
    <AdminLayout {...props} title={t("admin.workspace")}>
      <WorkspaceAddress t={t} slug={props.workspace.slug} signInUrl={props.workspace.signInUrl} />
      <NameSection t={t} name={props.workspace.name} />
      <BrandingSection t={t} color={props.branding.color} logoUrl={props.branding.logoUrl} />
      {props.sections.map((section) => <SettingsSectionForm section={section} t={t} />)}
    </AdminLayout>
  );
}
