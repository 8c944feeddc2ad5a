import { z } from "zod";
import { displayText, text } from "../text.ts";
import { AppError } from "../errors.ts";

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "select", "boolean"] as const;
export const CUSTOM_FIELD_TARGETS = ["conversation", "message"] as const;
export type CustomFieldTarget = typeof CUSTOM_FIELD_TARGETS[number];
/** Custom fields one workspace may define, conversations and messages together. */
export const MAX_CUSTOM_FIELDS = 20;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_TEXT_VALUE = 1000;

/** One custom field definition, as admins write it in the settings. */
export const customFieldSchema = z.strictObject({
  key: z.string().regex(KEY_PATTERN, {
    message: "expected a lowercase letter, then up to 31 lowercase letters, digits or underscores",
  }),
  label: displayText().max(100),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(text().trim().min(1).max(100)).min(1).max(100).optional(),
  required: z.boolean().optional(),
  applies_to: z.enum(CUSTOM_FIELD_TARGETS),
}).superRefine((field, ctx) => {
  if (field.type === "select" && !field.options) {
    ctx.addIssue({ code: "custom", path: ["options"], message: "a select field needs options" });
  }
  if (field.type !== "select" && field.options) {
    ctx.addIssue({ code: "custom", path: ["options"], message: "only select fields take options" });
  }
});

export type CustomField = z.infer<typeof customFieldSchema>;

/** The `custom_fields` setting: at most MAX_CUSTOM_FIELDS, each key used once. */
export const customFieldsSchema = z.array(customFieldSchema).max(MAX_CUSTOM_FIELDS).superRefine((fields, ctx) => {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `"${f.key}" is defined twice` });
    seen.add(f.key);
  });
});

/** The values of custom fields as a request carries them. */
export type CustomFieldValues = Record<string, unknown>;

/** Raw `custom_fields` in a request body: an object of at most MAX_CUSTOM_FIELDS values. */
export const customFieldValuesInput = z.record(z.string().max(64), z.unknown()).refine(
  (v) => Object.keys(v).length <= MAX_CUSTOM_FIELDS,
  { message: `at most ${MAX_CUSTOM_FIELDS} fields` },
);

function valueSchema(field: CustomField): z.ZodType {
  switch (field.type) {
    case "text":
      return text().max(MAX_TEXT_VALUE);
    case "number":
      return z.number().finite();
    case "date":
      return z.iso.date();
    case "boolean":
      return z.boolean();
    case "select":
      return z.enum(field.options as [string, ...string[]]);
  }
}

/**
 * The zod schema of one target's custom field values, built from the workspace's
 * definitions: known keys only, each of its type, required ones present.
 * @param fields every definition of the workspace
 * @param target conversation or message
 */
export function customFieldValuesSchema(
  fields: CustomField[],
  target: CustomFieldTarget,
  options: { requireAll?: boolean } = {},
) {
  const own = fields.filter((f) => f.applies_to === target);
  const required = (f: CustomField) => f.required && options.requireAll !== false;
  const shape = Object.fromEntries(own.map((f) => [f.key, required(f) ? valueSchema(f) : valueSchema(f).optional()]));
  return z.strictObject(shape);
}

/**
 * Checks custom field values against the definitions and answers them as stored; a bad
 * value is a 400 that names the field. A key defined for the other target is refused
 * like an unknown one, and said so.
 * @param fields every definition of the workspace
 * @param target what the values belong to
 * @param values the values after the change (null values already removed)
 * @param options requireAll: false skips the check of required fields (a conversation the
 * server opens for a business object, which nobody filled in)
 */
export function checkCustomFields(
  fields: CustomField[],
  target: CustomFieldTarget,
  values: CustomFieldValues,
  options: { requireAll?: boolean } = {},
): CustomFieldValues {
  for (const key of Object.keys(values)) {
    const field = fields.find((f) => f.key === key);
    if (!field) throw invalidField(key, `unknown custom field "${key}"`);
    if (field.applies_to !== target) throw invalidField(key, `custom field "${key}" applies to ${field.applies_to}s`);
  }
  const result = customFieldValuesSchema(fields, target, options).safeParse(values);
  if (result.success) return result.data as CustomFieldValues;
  const issue = result.error.issues[0];
  const key = String(issue.path[0] ?? "");
  const missing = values[key] === undefined;
  throw invalidField(key, missing ? `custom field "${key}" is required` : `custom field "${key}": ${issue.message}`);
}

function invalidField(key: string, message: string): AppError {
  return new AppError("validation_error", `Invalid custom_fields: ${message}`, [
    { path: `custom_fields.${key}`, message },
  ]);
}

/**
 * Applies a change to stored values: given keys replace theirs, a null removes one.
 * @param current the stored values
 * @param change the request's values
 */
export function mergeCustomFields(current: CustomFieldValues, change: CustomFieldValues): CustomFieldValues {
  const merged: CustomFieldValues = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * A `?cf_KEY=value` filter value as stored JSON compares: numbers as numbers, booleans as
 * SQLite's 1 and 0, the rest as text. Unknown keys and values of the wrong type are a 400.
 * @param fields every definition of the workspace
 * @param filters key (without `cf_`) to the query's value
 */
export function conversationFieldFilters(
  fields: CustomField[],
  filters: Record<string, string>,
): { key: string; value: string | number }[] {
  return Object.entries(filters).map(([key, raw]) => {
    const field = fields.find((f) => f.key === key && f.applies_to === "conversation");
    if (!field) throw invalidFilter(key, `unknown conversation custom field "${key}"`);
    if (field.type === "number") {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw invalidFilter(key, "expected a number");
      return { key, value: n };
    }
    if (field.type === "boolean") {
      if (raw !== "true" && raw !== "false") throw invalidFilter(key, "expected true or false");
      return { key, value: raw === "true" ? 1 : 0 };
    }
    return { key, value: raw };
  });
}

function invalidFilter(key: string, message: string): AppError {
  return new AppError("validation_error", `Invalid query: cf_${key}: ${message}`, [{ path: `cf_${key}`, message }]);
}
