import { z } from "zod";
import type { DbOrTx } from "../db/client.ts";
import { getTenant } from "../db/tenants.ts";
import type { ChatDeps } from "./deps.ts";
import type { TenantScope } from "./tenancy.ts";

/** The chat part of a tenant's settings, kept under `settings.chat`. */
export const chatSettingsSchema = z.object({
  edit_window_minutes: z.number().int().min(0).max(10080),
  messages_per_min: z.number().int().min(1).max(10000),
  conversations_per_min: z.number().int().min(1).max(10000),
  edits_per_min: z.number().int().min(1).max(10000),
  reactions_per_min: z.number().int().min(1).max(10000),
  typing_per_min: z.number().int().min(1).max(10000),
  participant_adds_per_min: z.number().int().min(1).max(10000),
  streams_per_user: z.number().int().min(1).max(10000),
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
  const lower = (value: number | undefined, ceiling: number) => Math.min(value ?? ceiling, ceiling);
  return {
    edit_window_minutes: own.edit_window_minutes ?? DEFAULT_EDIT_WINDOW_MINUTES,
    messages_per_min: lower(own.messages_per_min, limits.messagesPerMin),
    conversations_per_min: lower(own.conversations_per_min, limits.conversationsPerMin),
    edits_per_min: lower(own.edits_per_min, limits.editsPerMin),
    reactions_per_min: lower(own.reactions_per_min, limits.reactionsPerMin),
    typing_per_min: lower(own.typing_per_min, limits.typingPerMin),
    participant_adds_per_min: lower(own.participant_adds_per_min, limits.participantAddsPerMin),
    streams_per_user: lower(own.streams_per_user, limits.streamsPerUser),
  };
}

/** Drops the cached chat settings of the scope's tenant, after a change made elsewhere. */
export function forgetChatSettings(scope: Pick<TenantScope, "tenantId" | "db">): void {
  recent.get(scope.db)?.delete(scope.tenantId);
}

/** Per-user actions limited per minute, with the setting that holds each limit. */
const PER_MINUTE = {
  edits: "edits_per_min",
  reactions: "reactions_per_min",
  typing: "typing_per_min",
  participant_adds: "participant_adds_per_min",
} as const satisfies Record<string, keyof ChatSettings>;

/** An action limited per user and minute. */
export type LimitedAction = keyof typeof PER_MINUTE;

/**
 * The caller's allowance for an action this minute, as a synchronous `spend(amount)` that
 * counts `amount` uses or, when they would pass the tenant's limit, counts none and throws
 * 429 with Retry-After. Synchronous so it can run inside a transaction, which a refusal rolls back.
 * @param scope the caller
 * @param action what is limited
 */
export async function actionAllowance(
  scope: Pick<TenantScope, "tenantId" | "userId" | "db">,
  action: LimitedAction,
  deps: Pick<ChatDeps, "config" | "limiter">,
): Promise<(amount: number) => void> {
  const limit = (await loadChatSettings(scope, deps))[PER_MINUTE[action]];
  const key = `chat:${action}:${scope.tenantId}:${scope.userId}`;
  return (amount) => deps.limiter.take(key, amount, limit, 60_000);
}

/**
 * Counts one use of an action against the caller's per-minute limit (429 beyond it).
 * @param scope the caller
 * @param action what is limited
 */
export async function limitAction(
  scope: Pick<TenantScope, "tenantId" | "userId" | "db">,
  action: LimitedAction,
  deps: Pick<ChatDeps, "config" | "limiter">,
): Promise<void> {
  (await actionAllowance(scope, action, deps))(1);
}

async function getTenantIn(scope: Pick<TenantScope, "tenantId" | "db">, db: DbOrTx) {
  return await getTenant({ tenantId: scope.tenantId, db: db as TenantScope["db"] });
}
