import { listPiiFlags } from "../../db/pii.ts";
import type { MessageObject } from "../objects.ts";
import type { TenantScope } from "../tenancy.ts";

/**
 * Message objects as an admin sees them: those the PII policy flagged carry `pii`. Members
 * and guests get the objects unchanged, and events never carry the field (every recipient
 * of an event gets the same bytes), so the flags reach admins only through what they read.
 * @param objects messages of the caller's tenant
 */
export async function withPiiFlags<T extends MessageObject>(scope: TenantScope, objects: T[]): Promise<T[]> {
  if (scope.role !== "admin" || objects.length === 0) return objects;
  const flags = await listPiiFlags(scope, objects.map((m) => m.id));
  if (flags.size === 0) return objects;
  return objects.map((m) => {
    const pii = flags.get(m.id);
    return pii && !m.is_deleted ? { ...m, pii } : m;
  });
}
