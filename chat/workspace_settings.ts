import { z } from "zod";
import { getTenant, updateTenantSettings } from "../db/tenants.ts";
import { audit } from "../db/audit.ts";
import { LOCALES } from "../i18n/mod.ts";
import { type ChatSettings, chatSettingsSchema, forgetChatSettings, loadChatSettings } from "./settings.ts";
import { type EntityType, entityTypesSchema } from "./entities/types.ts";
import { type CustomField, customFieldsSchema } from "./custom_fields/definitions.ts";
import type { ChatDeps } from "./deps.ts";
import type { TenantOnlyScope, TenantScope } from "./tenancy.ts";
import { forbidden } from "./errors.ts";
import { PII_OFF, PII_POLICIES, piiDetectorsSchema, type PiiSettings, piiSettingsOf } from "./pii/mod.ts";
import { DEFAULT_SUPPORT_BOT, supportBotSchema, type SupportBotSettings } from "./support/settings.ts";
import {
  type AssistantSettings,
  assistantSettingsSchema,
  DEFAULT_ASSISTANT_SETTINGS,
  loadAssistantSettings,
} from "./assistant/settings.ts";
import { lastRetentionRun } from "../db/retention.ts";
import { type EmbedSettings, embedSettingsOf, embedSettingsShape } from "./embed/settings.ts";

const brandingSchema = z.strictObject({
  primary_color: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, { message: "expected a hex colour such as #3366ff" })
    .optional(),
  logo_url: z.string().max(2000).regex(/^(https:\/\/|\/(?![/\\]))/, {
    message: "expected an https:// URL or a path on this site",
  }).optional(),
});

/** The settings kept at the top of a tenant's settings object (the chat ones live under `chat`). */
const ownSettingsShape = {
  default_locale: z.enum(LOCALES).nullable(),
  branding: brandingSchema,
  entity_types: entityTypesSchema,
  custom_fields: customFieldsSchema,
  pii_policy: z.enum(PII_POLICIES),
  pii_detectors: piiDetectorsSchema,
  support_bot: supportBotSchema,
  assistant: assistantSettingsSchema,
  // retention: messages older than this many days are purged (null: kept for ever)
  message_retention_days: z.number().int().min(1).max(36_500).nullable(),
  // embedding and SSO: allowed host origins, the host's JWKS, whether hosts may sign in admins
  ...embedSettingsShape,
};
const CHAT_KEYS = Object.keys(chatSettingsSchema.shape) as (keyof ChatSettings)[];

/**
 * Body of `PUT /api/admin/settings`: any subset of every workspace setting. A key it does
 * not know is refused by name rather than ignored, so a typo never looks like a saved change.
 */
export const adminSettingsUpdateSchema = z.strictObject({
  ...chatSettingsSchema.shape,
  ...ownSettingsShape,
  // a subset of the assistant's settings changes only those
  assistant: assistantSettingsSchema.partial(),
}).partial();

export type AdminSettingsUpdate = z.infer<typeof adminSettingsUpdateSchema>;

/** Every workspace setting, as `GET /api/admin/settings` shows it. */
export type AdminSettings = ChatSettings & {
  default_locale: (typeof LOCALES)[number] | null;
  branding: z.infer<typeof brandingSchema>;
  entity_types: EntityType[];
  custom_fields: CustomField[];
  pii_policy: PiiSettings["policy"];
  pii_detectors: PiiSettings["detectors"];
  support_bot: SupportBotSettings;
  assistant: AssistantSettings;
  message_retention_days: number | null;
  /** Read-only: the retention job's last run and what it removed in this workspace. */
  retention_last_run: { at: string; purged_messages: number; purged_attachments: number } | null;
} & EmbedSettings;

/** The settings that mentions, entity links and custom fields read. */
export interface FeatureSettings {
  entityTypes: EntityType[];
  customFields: CustomField[];
  /** What sends and edits do with personal data in their text. */
  pii: PiiSettings;
}

const NO_FEATURES: FeatureSettings = { entityTypes: [], customFields: [], pii: PII_OFF };

/**
 * Settings read in the last few seconds, per database and tenant: sends read them. A change
 * made here is seen at once; one made on another instance within TTL_MS.
 */
const recent = new WeakMap<object, Map<string, { settings: FeatureSettings; at: number }>>();
const TTL_MS = 5_000;

/**
 * The workspace's entity types and custom field definitions. Stored settings are checked
 * again on the way out: a value that no longer passes is left out rather than trusted.
 */
export async function loadFeatureSettings(scope: TenantOnlyScope): Promise<FeatureSettings> {
  const cache = recent.get(scope.db) ?? recent.set(scope.db, new Map()).get(scope.db)!;
  const hit = cache.get(scope.tenantId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.settings;
  const stored = (await getTenant(scope))?.settings ?? {};
  const types = entityTypesSchema.safeParse(stored.entity_types ?? []);
  const fields = customFieldsSchema.safeParse(stored.custom_fields ?? []);
  const settings: FeatureSettings = {
    ...(types.success || fields.success
      ? { entityTypes: types.success ? types.data : [], customFields: fields.success ? fields.data : [] }
      : NO_FEATURES),
    pii: piiSettingsOf(stored),
  };
  cache.set(scope.tenantId, { settings, at: Date.now() });
  return settings;
}

/** Every workspace setting, with the chat ones as in force (rate limits capped by the server's). */
export async function loadAdminSettings(scope: TenantScope, deps: Pick<ChatDeps, "config">): Promise<AdminSettings> {
  requireAdmin(scope);
  const stored = (await getTenant(scope)).settings ?? {};
  const own = z.object(ownSettingsShape).partial().safeParse(pickOwn(stored));
  const features = await loadFeatureSettings(scope);
  return {
    ...await loadChatSettings(scope, deps),
    default_locale: own.success ? own.data.default_locale ?? null : null,
    branding: own.success ? own.data.branding ?? {} : {},
    entity_types: features.entityTypes,
    custom_fields: features.customFields,
    pii_policy: features.pii.policy,
    pii_detectors: features.pii.detectors,
    support_bot: await loadSupportBot(scope),
    assistant: await loadAssistantSettings(scope),
    message_retention_days: own.success ? own.data.message_retention_days ?? null : null,
    retention_last_run: await retentionLastRun(scope),
    ...embedSettingsOf(stored),
  };
}

async function retentionLastRun(scope: TenantScope): Promise<AdminSettings["retention_last_run"]> {
  const run = await lastRetentionRun(scope);
  return run && {
    at: run.at.toISOString(),
    purged_messages: run.purgedMessages,
    purged_attachments: run.purgedAttachments,
  };
}

/** Bot settings that the chat settings route also takes (seed 004 clients configure them there). */
export const botSettingsShape = {
  support_bot: supportBotSchema,
};

/**
 * The workspace's support bot settings. A stored value that no longer passes the schema
 * counts as none configured, so the bot stays off rather than act on rules nobody can read.
 */
export async function loadSupportBot(scope: TenantOnlyScope): Promise<SupportBotSettings> {
  const stored = (await getTenant(scope))?.settings ?? {};
  const parsed = supportBotSchema.safeParse(stored.support_bot);
  return parsed.success ? parsed.data : DEFAULT_SUPPORT_BOT;
}

/**
 * Changes the given settings and only those, in one transaction with an audit entry that
 * holds each changed setting before and after (resolver secrets masked).
 * @param scope an admin's scope
 * @param changes a valid `adminSettingsUpdateSchema` body
 */
export async function updateAdminSettings(
  scope: TenantScope,
  changes: AdminSettingsUpdate,
  deps: Pick<ChatDeps, "config">,
  meta: { ip?: string | null } = {},
): Promise<AdminSettings> {
  requireAdmin(scope);
  await scope.db.transaction(async (tx) => {
    const stored = (await getTenant({ tenantId: scope.tenantId, db: tx as unknown as TenantScope["db"] })).settings ??
      {};
    const chat = { ...(stored.chat as Record<string, unknown> ?? {}) };
    const next: Record<string, unknown> = { ...stored };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [key, given] of Object.entries(changes)) {
      if (given === undefined) continue;
      const value = key === "assistant"
        ? { ...DEFAULT_ASSISTANT_SETTINGS, ...stored.assistant as object, ...given as object }
        : given;
      const isChat = (CHAT_KEYS as string[]).includes(key);
      const old = isChat ? chat[key] : stored[key];
      if (JSON.stringify(old) === JSON.stringify(value)) continue;
      before[key] = masked(old ?? null);
      after[key] = masked(value);
      if (isChat) chat[key] = value;
      else next[key] = value;
    }
    if (Object.keys(after).length === 0) return;
    await updateTenantSettings(tx, scope, { ...next, chat });
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "settings.updated",
      targetType: "tenant",
      targetId: scope.tenantId,
      data: { before, after },
      ip: meta.ip,
    });
  });
  recent.get(scope.db)?.delete(scope.tenantId);
  forgetChatSettings(scope);
  return await loadAdminSettings(scope, deps);
}

function pickOwn(stored: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(ownSettingsShape).filter((k) => k in stored).map((k) => [k, stored[k]]));
}

/** A setting as the audit log keeps it: secrets are replaced by a mark that one was set. */
function masked(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item) =>
    item && typeof item === "object" && "resolver_secret" in item ? { ...item, resolver_secret: "********" } : item
  );
}

function requireAdmin(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}
