import { z } from "zod";
import type { DbOrTx } from "../db/client.ts";
import { getTenant, updateTenantSettings } from "../db/tenants.ts";
import { audit } from "../db/audit.ts";
import type { ChatDeps } from "./deps.ts";
import type { TenantScope } from "./tenancy.ts";
import { forbidden } from "./errors.ts";

/** The chat part of a tenant's settings, kept under `settings.chat`. */
export const chatSettingsSchema = z.object({
  edit_window_minutes: z.number().int().min(0).max(10080),
  messages_per_min: z.number().int().min(1).max(10000),
  conversations_per_min: z.number().int().min(1).max(10000),
});

export type ChatSettings = z.infer<typeof chatSettingsSchema>;

/** Body of `PUT /api/chat/settings`: any subset of the settings. */
export const chatSettingsUpdateSchema = chatSettingsSchema.partial().strict();

const DEFAULT_EDIT_WINDOW_MINUTES = 15;
// built once: read on every send
const storedSettingsSchema = chatSettingsSchema.partial();

/**
 * Settings read in the last few seconds, per database and tenant: every send checks them,
 * and they change rarely. A change made here is seen at once; one made on another
 * instance within SETTINGS_TTL_MS.
 */
const recent = new WeakMap<object, Map<string, { settings: ChatSettings; at: number }>>();
const SETTINGS_TTL_MS = 5_000;

/**
 * The tenant's effective chat settings. Rate limits come from the server configuration and
 * a tenant may only lower them: a workspace admin cannot lift the operator's ceiling.
 */
export async function loadChatSettings(
  scope: Pick<TenantScope, "tenantId" | "db">,
  deps: Pick<ChatDeps, "config">,
  db: DbOrTx = scope.db,
): Promise<ChatSettings> {
  // inside a transaction the settings are read fresh, never from or into the cache
  const cache = db === scope.db ? recent.get(db) ?? recent.set(db, new Map()).get(db)! : null;
  const hit = cache?.get(scope.tenantId);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return { ...hit.settings };
  const settings = await readChatSettings(scope, deps, db);
  cache?.set(scope.tenantId, { settings, at: Date.now() });
  return { ...settings };
}

async function readChatSettings(
  scope: Pick<TenantScope, "tenantId" | "db">,
  deps: Pick<ChatDeps, "config">,
  db: DbOrTx,
): Promise<ChatSettings> {
  const tenant = await getTenantIn(scope, db);
  const stored = storedSettingsSchema.safeParse(tenant?.settings?.chat ?? {});
  const own = stored.success ? stored.data : {};
  const limits = deps.config.rateLimits;
  return {
    edit_window_minutes: own.edit_window_minutes ?? DEFAULT_EDIT_WINDOW_MINUTES,
    messages_per_min: Math.min(own.messages_per_min ?? limits.messagesPerMin, limits.messagesPerMin),
    conversations_per_min: Math.min(
      own.conversations_per_min ?? limits.conversationsPerMin,
      limits.conversationsPerMin,
    ),
  };
}

/** Changes the tenant's chat settings (tenant admins only) and audits the change. */
export async function updateChatSettings(
  scope: TenantScope,
  changes: Partial<ChatSettings>,
  deps: Pick<ChatDeps, "config">,
): Promise<ChatSettings> {
  if (scope.role !== "admin") throw forbidden("Admin role required");
  await scope.db.transaction(async (tx) => {
    const tenant = await getTenantIn(scope, tx);
    const settings = { ...(tenant?.settings ?? {}) };
    const chat = { ...(settings.chat as Record<string, unknown> ?? {}), ...changes };
    await updateTenantSettings(tx, scope, { ...settings, chat });
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "settings.updated",
      targetType: "tenant",
      targetId: scope.tenantId,
      data: { chat: changes },
    });
  });
  recent.get(scope.db)?.delete(scope.tenantId);
  return await loadChatSettings(scope, deps);
}

async function getTenantIn(scope: Pick<TenantScope, "tenantId" | "db">, db: DbOrTx) {
  return await getTenant({ tenantId: scope.tenantId, db: db as TenantScope["db"] });
}
