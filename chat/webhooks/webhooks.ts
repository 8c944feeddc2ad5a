import { z } from "zod";
import { audit } from "../../db/audit.ts";
import { uuidv7 } from "../../db/ids.ts";
import {
  countWebhooks,
  deleteWebhook as deleteWebhookRow,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks as listWebhookRows,
} from "../../db/webhooks.ts";
import type { Webhook, WebhookDelivery } from "../../db/schema/mod.ts";
import { OutboundAddressError } from "../outbound/address.ts";
import { checkResolvedUrl } from "../outbound/resolved.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { WEBHOOK_EVENT_TYPES } from "./payloads.ts";
import { DELIVERY_LOG_SIZE } from "./dispatcher.ts";

/** Webhooks one workspace may have. */
export const MAX_WEBHOOKS = 20;

/** Body of `POST /api/admin/webhooks`. */
export const newWebhookSchema = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length)
    .refine((list) => new Set(list).size === list.length, { message: "each event type once" }),
});

/** A webhook as the API shows it; the secret only in the answer that creates it. */
export interface WebhookObject {
  id: string;
  url: string;
  events: string[];
  created_at: string;
  secret?: string;
}

/** One entry of a webhook's delivery log. */
export interface DeliveryObject {
  event_id: string;
  type: string;
  state: WebhookDelivery["state"];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

/**
 * Adds a webhook. Its URL must be http(s) and, unless WEBHOOKS_ALLOW_PRIVATE is set, resolve
 * to public addresses only; deliveries check again as they connect. The secret is made here
 * and shown once; it is never logged or audited.
 */
export async function createWebhook(
  scope: TenantScope,
  input: z.infer<typeof newWebhookSchema>,
  deps: Pick<ChatDeps, "config" | "now">,
  meta: { ip?: string | null } = {},
): Promise<WebhookObject> {
  requireAdmin(scope);
  try {
    await checkResolvedUrl(input.url, deps.config.webhooksAllowPrivate);
  } catch (e) {
    if (e instanceof OutboundAddressError) throw badRequest(`Cannot add webhook: ${e.message}`, { field: "url" });
    throw e;
  }
  const secret = `whsec_${
    Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  const row = await scope.db.transaction(async (tx) => {
    if (await countWebhooks(tx, scope) >= MAX_WEBHOOKS) {
      throw badRequest(`Cannot add webhook: a workspace has at most ${MAX_WEBHOOKS}`);
    }
    const now = new Date(deps.now());
    const webhook = await insertWebhook(tx, scope, {
      id: uuidv7(now.getTime()),
      url: input.url,
      secret,
      eventTypes: input.events,
      createdAt: now,
    });
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "webhook.created",
      targetType: "webhook",
      targetId: webhook.id,
      data: { url: webhook.url, events: webhook.eventTypes },
      ip: meta.ip,
    });
    return webhook;
  });
  return { ...toWebhookObject(row), secret };
}

/** The workspace's webhooks, without their secrets. */
export async function listWebhooks(scope: TenantScope): Promise<WebhookObject[]> {
  requireAdmin(scope);
  return (await listWebhookRows(scope)).map(toWebhookObject);
}

/** Deletes a webhook and what is still queued for it; 404 for an id of another workspace. */
export async function removeWebhook(scope: TenantScope, id: string, meta: { ip?: string | null } = {}): Promise<void> {
  requireAdmin(scope);
  await scope.db.transaction(async (tx) => {
    const webhook = await findWebhook(tx, scope, id);
    if (!webhook || !await deleteWebhookRow(tx, scope, id)) throw notFound("Webhook");
    await audit(tx, scope, {
      actorId: scope.userId,
      action: "webhook.deleted",
      targetType: "webhook",
      targetId: id,
      data: { url: webhook.url, events: webhook.eventTypes },
      ip: meta.ip,
    });
  });
}

/** The last 100 events of a webhook's queue, newest first: one entry per event. */
export async function webhookDeliveries(scope: TenantScope, id: string): Promise<DeliveryObject[]> {
  requireAdmin(scope);
  if (!await findWebhook(scope.db, scope, id)) throw notFound("Webhook");
  return (await listDeliveries(scope, id, DELIVERY_LOG_SIZE)).map((d) => ({
    event_id: d.eventId,
    type: d.type,
    state: d.state,
    attempts: d.attempts,
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    last_attempt_at: d.lastAttemptAt?.toISOString() ?? null,
    next_attempt_at: d.state === "pending" ? d.nextAttemptAt.toISOString() : null,
    delivered_at: d.deliveredAt?.toISOString() ?? null,
  }));
}

function toWebhookObject(row: Webhook): WebhookObject {
  return { id: row.id, url: row.url, events: row.eventTypes, created_at: row.createdAt.toISOString() };
}

function requireAdmin(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}
