import { z } from "zod";
import { text } from "../text.ts";

/** An entity type's name as written after `@`: `task` in `@task#45`. */
export const ENTITY_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** An entity id as written after `#`. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Entity types one workspace may configure. */
export const MAX_ENTITY_TYPES = 50;

/** True when a template, with `{id}` filled in, is an absolute http(s) URL. */
function isHttpTemplate(template: string): boolean {
  try {
    const url = new URL(template.replaceAll("{id}", "1"));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const httpUrl = text().max(2000).refine(isHttpTemplate, { message: "must be an http:// or https:// URL" });

/** One configured entity type: how `@type#id` links and is labelled. */
export const entityTypeSchema = z.strictObject({
  type: z.string().regex(ENTITY_TYPE_PATTERN, {
    message: "expected a lowercase letter, then up to 31 lowercase letters, digits or underscores",
  }),
  url_template: httpUrl,
  label_template: text().trim().min(1).max(200),
  resolver_url: httpUrl.optional(),
  resolver_secret: text().min(1).max(256).optional(),
});

export type EntityType = z.infer<typeof entityTypeSchema>;

/** The `entity_types` setting: at most MAX_ENTITY_TYPES, each type named once. */
export const entityTypesSchema = z.array(entityTypeSchema).max(MAX_ENTITY_TYPES).superRefine((types, ctx) => {
  const seen = new Set<string>();
  types.forEach((t, i) => {
    if (seen.has(t.type)) ctx.addIssue({ code: "custom", path: [i, "type"], message: `"${t.type}" is defined twice` });
    seen.add(t.type);
  });
});

/**
 * The link of an entity: the type's URL template with `{id}` URL-encoded, so an id can
 * never change the path or query around it.
 */
export function entityUrl(type: Pick<EntityType, "url_template">, id: string): string {
  return type.url_template.replaceAll("{id}", encodeURIComponent(id));
}

/** The label an entity has without a resolver (or when the resolver fails). */
export function templateLabel(type: Pick<EntityType, "label_template">, id: string): string {
  return type.label_template.replaceAll("{id}", id);
}
