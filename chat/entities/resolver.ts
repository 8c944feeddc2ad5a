import { z } from "zod";
import { postJson } from "../outbound/post.ts";
import { signatureHeaders } from "../outbound/signing.ts";
import { type EntityType, templateLabel } from "./types.ts";

/** How long a resolver may take before its entity falls back to the label template. */
export const RESOLVER_TIMEOUT_MS = 2_000;
/** How long a resolved label is reused. */
export const LABEL_TTL_MS = 10 * 60_000;
/** How long a failed lookup is not tried again, so a resolver that is down does not slow every send. */
const FAILURE_TTL_MS = 30_000;
const MAX_CACHED = 10_000;
const MAX_LABEL = 200;

const answerSchema = z.object({ label: z.string().trim().min(1).max(MAX_LABEL) });

/** Resolved labels by tenant, resolver, type and id; null marks a recent failure. */
const labels = new Map<string, { label: string | null; until: number }>();

/**
 * The label of an entity. With a `resolver_url` the resolver is asked (POST `{type, id}`,
 * signed with the type's `resolver_secret` when it has one, under the outbound address
 * rules, answered within RESOLVER_TIMEOUT_MS with `{label}`) and its answer reused for
 * LABEL_TTL_MS; anything else (no resolver, an error, a timeout, a malformed answer)
 * gives the type's label template.
 * @param tenantId whose entity types these are
 * @param type the configured entity type
 * @param id the entity's id
 * @param options the clock and WEBHOOKS_ALLOW_PRIVATE
 */
export async function entityLabel(
  tenantId: string,
  type: EntityType,
  id: string,
  options: { now: number; allowPrivate: boolean },
): Promise<string> {
  const fallback = templateLabel(type, id);
  if (!type.resolver_url) return fallback;
  const key = JSON.stringify([tenantId, type.resolver_url, type.type, id]);
  const cached = labels.get(key);
  if (cached && cached.until > options.now) return cached.label ?? fallback;
  const label = await askResolver(type, id, options).catch(() => null);
  labels.delete(key);
  if (labels.size >= MAX_CACHED) labels.delete(labels.keys().next().value!);
  labels.set(key, { label, until: options.now + (label === null ? FAILURE_TTL_MS : LABEL_TTL_MS) });
  return label ?? fallback;
}

async function askResolver(
  type: EntityType,
  id: string,
  options: { now: number; allowPrivate: boolean },
): Promise<string | null> {
  const body = JSON.stringify({ type: type.type, id });
  const headers = type.resolver_secret ? await signatureHeaders(type.resolver_secret, body, options.now) : {};
  const answer = await postJson(type.resolver_url!, body, {
    headers,
    timeoutMs: RESOLVER_TIMEOUT_MS,
    allowPrivate: options.allowPrivate,
  });
  if (answer.status < 200 || answer.status > 299) return null;
  const parsed = answerSchema.safeParse(JSON.parse(answer.body));
  return parsed.success ? parsed.data.label : null;
}
