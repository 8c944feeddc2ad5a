import type { z } from "zod";
import { type AdminSettings, adminSettingsUpdateSchema } from "../../chat/workspace_settings.ts";
import { LOCALE_NAMES, type MessageKey, type Translator } from "../../i18n/mod.ts";
import type { SettingField, SettingsSection } from "../../views/admin/workspace.tsx";

/**
 * The workspace page's sections. The fields are worked out from the settings schema, so a
 * setting added to it shows up without touching the page: keys no section names go in
 * "other", and any value the form cannot edit one by one is edited as JSON.
 */
const SECTIONS: { id: string; title: MessageKey; keys: (key: string) => boolean }[] = [
  { id: "general", title: "admin.section_general", keys: (k) => k === "default_locale" },
  {
    id: "messages",
    title: "admin.section_messages",
    keys: (k) => k === "edit_window_minutes" || k === "message_retention_days",
  },
  { id: "limits", title: "admin.section_limits", keys: (k) => /_per_min$|^streams_per_user$/.test(k) },
  { id: "pii", title: "admin.section_pii", keys: (k) => k.startsWith("pii_") },
  { id: "fields", title: "admin.section_fields", keys: (k) => k === "entity_types" || k === "custom_fields" },
];
/** Every section's id, "other" included: the only ones a form posts to. */
export const SECTION_IDS = [...SECTIONS.map((s) => s.id), "other"];
// branding has its own form (colour picker and logo upload)
const OWN_FORM = new Set(["branding"]);

const LABELS: Record<string, MessageKey> = {
  default_locale: "admin.setting_default_locale",
  edit_window_minutes: "admin.setting_edit_window_minutes",
  message_retention_days: "admin.setting_message_retention_days",
  messages_per_min: "admin.setting_messages_per_min",
  conversations_per_min: "admin.setting_conversations_per_min",
  edits_per_min: "admin.setting_edits_per_min",
  reactions_per_min: "admin.setting_reactions_per_min",
  typing_per_min: "admin.setting_typing_per_min",
  participant_adds_per_min: "admin.setting_participant_adds_per_min",
  streams_per_user: "admin.setting_streams_per_user",
  pii_policy: "admin.setting_pii_policy",
  pii_detectors: "admin.setting_pii_detectors",
  entity_types: "admin.setting_entity_types",
  custom_fields: "admin.setting_custom_fields",
};

const SHAPE = adminSettingsUpdateSchema.shape as Record<string, z.ZodType>;

interface Def {
  type: string;
  innerType?: z.ZodType;
  entries?: Record<string, string>;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema under optional, nullable and default wrappers, and whether null is allowed. */
function unwrap(schema: z.ZodType): { def: Def; nullable: boolean } {
  let def = defOf(schema);
  let nullable = false;
  while (def.innerType && ["optional", "nullable", "default", "prefault"].includes(def.type)) {
    nullable ||= def.type === "nullable";
    def = defOf(def.innerType);
  }
  return { def, nullable };
}

/** Options of an enum, or of an object of booleans (one switch per key). */
function choices(def: Def): string[] | undefined {
  if (def.type === "enum") return Object.values(def.entries ?? {});
  if (def.type === "array" && def.element && unwrap(def.element).def.type === "enum") {
    return choices(unwrap(def.element).def);
  }
  if (def.type === "object" && def.shape) {
    const keys = Object.keys(def.shape);
    if (keys.length > 0 && keys.every((k) => unwrap(def.shape![k]).def.type === "boolean")) return keys;
  }
  return undefined;
}

/** The server's ceiling for a rate limit setting (`messages_per_min` → `messagesPerMin`). */
function ceilingOf(key: string, limits: Record<string, number>): number | undefined {
  return limits[key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())];
}

function fieldOf(key: string, value: unknown, t: Translator, limits: Record<string, number>): SettingField {
  const { def, nullable } = unwrap(SHAPE[key]);
  const label = LABELS[key] ? t(LABELS[key]) : key;
  const options = choices(def);
  if (def.type === "number") {
    const max = ceilingOf(key, limits);
    return { key, label, kind: "number", value, min: 0, max, hint: max ? t("admin.server_limit", { max }) : undefined };
  }
  if (def.type === "boolean") return { key, label, kind: "checkbox", value };
  if (def.type === "enum" && options) {
    const names = key === "default_locale" ? LOCALE_NAMES as Record<string, string> : {};
    const list = options.map((o) => ({ value: o, label: names[o] ?? o }));
    return {
      key,
      label,
      kind: "select",
      value: value ?? "",
      options: nullable ? [{ value: "", label: t("admin.not_set") }, ...list] : list,
    };
  }
  if (options) return { key, label, kind: "checks", value, options: options.map((o) => ({ value: o, label: o })) };
  if (def.type === "string") return { key, label, kind: "text", value };
  return { key, label, kind: "json", value };
}

/**
 * The page's sections with their fields and current values.
 * @param settings every setting, as `loadAdminSettings` gives them
 * @param limits the server's rate limits, which a workspace may only lower
 */
export function settingsSections(
  settings: AdminSettings,
  t: Translator,
  limits: Record<string, number>,
): SettingsSection[] {
  const keys = Object.keys(SHAPE).filter((k) => !OWN_FORM.has(k));
  const values = settings as unknown as Record<string, unknown>;
  const placed = new Set<string>();
  const sections = SECTIONS.map((s) => {
    const own = keys.filter((k) => s.keys(k));
    own.forEach((k) => placed.add(k));
    return { id: s.id, title: t(s.title), fields: own.map((k) => fieldOf(k, values[k], t, limits)) };
  });
  const rest = keys.filter((k) => !placed.has(k));
  sections.push({
    id: "other",
    title: t("admin.section_other"),
    fields: rest.map((k) => fieldOf(k, values[k], t, limits)),
  });
  return sections.filter((s) => s.fields.length > 0);
}

/**
 * The settings a section's form sent, as the settings API takes them, or the problems found.
 * Values are checked by the settings schema, and rate limits against the server's.
 * @param section the section the form belongs to
 * @param form the form's fields, every value of a repeated field in a list
 */
export function settingsFromForm(
  section: SettingsSection,
  form: Record<string, unknown>,
  limits: Record<string, number>,
): { changes: z.infer<typeof adminSettingsUpdateSchema> } | { errors: string[] } {
  const body: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const field of section.fields) {
    const all = [form[field.key] ?? []].flat().filter((v): v is string => typeof v === "string");
    const last = all.at(-1);
    const { def, nullable } = unwrap(SHAPE[field.key]);
    if (field.kind === "checks") {
      const on = all.filter(Boolean);
      body[field.key] = def.type === "object"
        ? Object.fromEntries((field.options ?? []).map((o) => [o.value, on.includes(o.value)]))
        : on;
    } else if (field.kind === "checkbox") body[field.key] = last === "true";
    else if (last === undefined) continue;
    else if (last === "") body[field.key] = nullable ? null : undefined;
    else if (field.kind === "number") body[field.key] = Number(last);
    else if (field.kind === "json") {
      try {
        body[field.key] = JSON.parse(last);
      } catch {
        errors.push(`${field.label}: not valid JSON`);
      }
    } else body[field.key] = last;
    const max = field.kind === "number" ? ceilingOf(field.key, limits) : undefined;
    if (max !== undefined && typeof body[field.key] === "number" && (body[field.key] as number) > max) {
      errors.push(`${field.label}: at most ${max}, the server's limit`);
    }
  }
  const parsed = adminSettingsUpdateSchema.safeParse(body);
  if (!parsed.success) {
    const label = (key: PropertyKey) => section.fields.find((f) => f.key === key)?.label ?? String(key);
    errors.push(...parsed.error.issues.map((i) => `${label(i.path[0])}: ${i.message}`));
  }
  return errors.length > 0 || !parsed.success ? { errors } : { changes: parsed.data };
}
