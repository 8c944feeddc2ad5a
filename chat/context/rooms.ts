import { findContextConversation } from "../../db/conversations.ts";
import { findMembership } from "../../db/participants.ts";
import type { ConversationObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { AppError, badRequest, notFound } from "../errors.ts";
import { loadFeatureSettings } from "../workspace_settings.ts";
import { ENTITY_ID_PATTERN } from "../entities/types.ts";
import { entityLabel } from "../entities/resolver.ts";
import { createConversation, getConversation } from "../conversations/conversations.ts";
import { joinConversation } from "../conversations/membership.ts";

/**
 * The conversation about a business object (`@type#id`), created on first use: a group
 * titled `title` or the entity's label, tied to the object by `context_type`/`context_id`,
 * with the caller as owner. Members and admins who are not in it yet are added; a guest
 * sees it only when already a participant (404 otherwise, and never creates one). The
 * context is unique per workspace, so concurrent first calls end with one conversation:
 * the losers find the winner's and join it.
 * @param type a configured entity type (404 otherwise)
 * @param id the entity's id
 * @param options title: overrides the entity label for a new conversation
 */
export async function openContextRoom(
  scope: TenantScope,
  context: { type: string; id: string },
  options: { title?: string },
  deps: ChatDeps,
): Promise<{ conversation: ConversationObject; created: boolean }> {
  const type = (await loadFeatureSettings(scope)).entityTypes.find((t) => t.type === context.type);
  if (!type) throw notFound("Entity type");
  if (!ENTITY_ID_PATTERN.test(context.id)) throw badRequest("Cannot open context: the id is not a valid entity id");
  const existing = await findContextConversation(scope, context);
  if (existing) return { conversation: await enter(scope, existing.id, deps), created: false };
  if (scope.role === "guest") throw notFound("Conversation");
  const title = options.title ??
    await entityLabel(scope.tenantId, type, context.id, {
      now: deps.now(),
      allowPrivate: deps.config.webhooksAllowPrivate,
    });
  try {
    const conversation = await createConversation(
      scope,
      {
        kind: "group",
        title,
        participantIds: [],
        contextType: context.type,
        contextId: context.id,
      },
      deps,
      { requireAllFields: false },
    );
    return { conversation, created: true };
  } catch (e) {
    // another request created it first: the unique context index refused this one
    const winner = e instanceof AppError && e.code === "conflict"
      ? await findContextConversation(scope, context)
      : null;
    if (!winner) throw e;
    return { conversation: await enter(scope, winner.id, deps), created: false };
  }
}

/** The existing context room as the caller sees it, joining it first when they may. */
async function enter(scope: TenantScope, conversationId: string, deps: ChatDeps): Promise<ConversationObject> {
  if (await findMembership(scope, conversationId, scope.userId)) {
    return await getConversation(scope, conversationId, deps);
  }
  if (scope.role === "guest") throw notFound("Conversation");
  return await joinConversation(scope, conversationId, deps);
}
