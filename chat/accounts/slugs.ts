/** A workspace slug: lowercase letters, digits and inner dashes, at most 48 characters. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** Derives a slug from a workspace name ("Açme Corp." → "acme-corp"). */
export function slugify(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "") || "workspace";
}

/**
 * The first free variant of a derived slug: `acme`, `acme-2`, `acme-3`, … then a random suffix.
 * @param base a valid slug
 * @param taken looks a slug up
 */
export async function freeSlug(base: string, taken: (slug: string) => Promise<unknown>): Promise<string> {
  if (!await taken(base)) return base;
  for (let n = 2; n < 20; n++) {
    if (!await taken(`${base}-${n}`)) return `${base}-${n}`;
  }
  return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}
