import type { Conversation, NewConversation, ParticipantRole } from "../../db/schema/mod.ts";
import type { Tx } from "../../db/client.ts";
import {
  type ConversationCursor,
  findConversation,
  findDirectConversation,
  insertConversation,
  listConversationRowsForUser,
  listJoinableChannels,
  updateConversationRow,
} from "../../db/conversations.ts";
import { upsertMembers } from "../../db/participants.ts";
import { findUsers, listUsers } from "../../db/users.ts";
import { audit } from "../../db/audit.ts";
import type { ConversationObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import { isUuid, uuidv7 } from "../../db/ids.ts";
import { commitChange, type RecordEvent } from "../changes.ts";
import { canManage, requireMember, requireVisible, visiblePeople } from "../access.ts";
import { conversationObjects, sharedConversation } from "./object.ts";
import { postSystemMessage } from "../messages/system.ts";
import { actionAllowance, loadChatSettings } from "../settings.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { setConversationCustomFields } from "../../db/custom_fields.ts";
import { loadFeatureSettings } from "../workspace_settings.ts";
import {
  checkCustomFields,
  conversationFieldFilters,
  type CustomFieldValues,
  mergeCustomFields,
} from "../custom_fields/definitions.ts";

/** Conversations in one page of the list unless the caller asks for another number. */
export const CONVERSATION_PAGE = 50;
/** The most conversations one page of the list holds. */
export const MAX_CONVERSATION_PAGE = 200;

/**
 * One page of the caller's conversations, newest activity first (`updated_at`, then id);
 * archived ones only when asked for. The next page starts after the last one's
 * `updated_at` and id.
 * @param options archived; limit (at most MAX_CONVERSATION_PAGE); before: the cursor;
 * customFields: custom field values the conversations must have (`?cf_KEY=value`)
 */
export async function listConversations(
  scope: TenantScope,
  options: { archived?: boolean; limit?: number; before?: ConversationCursor; customFields?: Record<string, string> },
  deps: Pick<ChatDeps, "presence">,
): Promise<ConversationObject[]> {
  const limit = Math.min(options.limit ?? CONVERSATION_PAGE, MAX_CONVERSATION_PAGE);
  const filters = options.customFields && Object.keys(options.customFields).length > 0
    ? conversationFieldFilters((await loadFeatureSettings(scope)).customFields, options.customFields)
    : undefined;
  const rows = await listConversationRowsForUser(scope, scope.userId, {
    archived: options.archived ?? false,
    limit,
    before: options.before,
    customFields: filters,
  });
  return await conversationObjects(scope, scope.userId, rows, deps);
}

/** Channels the caller could join (none for guests). */
export async function listJoinable(scope: TenantScope, deps: Pick<ChatDeps, "presence">) {
  if (scope.role === "guest") return [];
  return await conversationObjects(scope, scope.userId, await listJoinableChannels(scope, scope.userId), deps);
}

/** One conversation the caller may see. */
export async function getConversation(
  scope: TenantScope,
  conversationId: string,
  deps: Pick<ChatDeps, "presence">,
): Promise<ConversationObject> {
  const { conversation } = await requireVisible(scope, conversationId);
  const [object] = await conversationObjects(scope, scope.userId, [conversation], deps);
  return object;
}

/** Counts one conversation creation against the caller's per-minute limit (429 beyond it). */
export async function limitConversationCreation(scope: TenantScope, deps: ChatDeps): Promise<void> {
  const settings = await loadChatSettings(scope, deps);
  deps.limiter.hit(`chat:conversations:${scope.tenantId}:${scope.userId}`, settings.conversations_per_min, 60_000);
}

/** Input of `createConversation`. */
export interface NewConversationInput {
  kind: "group" | "channel";
  title: string;
  participantIds: string[];
  topic?: string | null;
  contextType?: string | null;
  contextId?: string | null;
  customFields?: CustomFieldValues;
}

/**
 * Creates a group or channel with the caller as owner. Guests cannot create conversations.
 * The people it starts with count against the caller's limit on adding people.
 */
export async function createConversation(
  scope: TenantScope,
  input: NewConversationInput,
  deps: ChatDeps,
  options: { requireAllFields?: boolean } = {},
): Promise<ConversationObject> {
  if (scope.role === "guest") throw forbidden("Guests cannot create conversations");
  const title = input.title.trim();
  if (!title) throw badRequest("Cannot create conversation: title is empty");
  const { customFields: fields } = await loadFeatureSettings(scope);
  const customFields = input.customFields || fields.length > 0
    ? checkCustomFields(fields, "conversation", input.customFields ?? {}, { requireAll: options.requireAllFields })
    : {};
  const others = [...new Set(input.participantIds)].filter((id) => id !== scope.userId);
  const found = await findUsers(scope, others);
  if (found.length !== others.length || found.some((u) => !u.isActive)) throw notFound("Participant");
  const spendAdds = await actionAllowance(scope, "participant_adds", deps);
  await limitConversationCreation(scope, deps);
  spendAdds(others.length);
  const now = new Date(deps.now());
  try {
    return await commitChange(scope, async (tx, record) => {
      return await openConversation(scope, {
        id: uuidv7(now.getTime()),
        kind: input.kind,
        title,
        topic: input.topic ?? null,
        createdBy: scope.userId,
        contextType: input.contextType ?? null,
        contextId: input.contextId ?? null,
        customFields,
        createdAt: now,
        updatedAt: now,
      }, [
        { userId: scope.userId, role: "owner" },
        ...others.map((userId) => ({ userId, role: "member" as const })),
      ], { deps, tx, record });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("Cannot create conversation: this context already has one");
    throw e;
  }
}

/**
 * Opens a support or assistant conversation between the caller (its owner) and a bot. Any
 * member or guest may open one for themselves; it counts as a conversation creation.
 * @param input kind, title and the bot's user id (see `ensureBotUser`)
 */
export async function openBotConversation(
  scope: TenantScope,
  input: { kind: "support" | "assistant"; title: string; botId: string },
  deps: ChatDeps,
): Promise<ConversationObject> {
  await limitConversationCreation(scope, deps);
  const now = new Date(deps.now());
  return await commitChange(scope, async (tx, record) => {
    return await openConversation(
      scope,
      {
        id: uuidv7(now.getTime()),
        kind: input.kind,
        title: input.title,
        createdBy: scope.userId,
        createdAt: now,
        updatedAt: now,
      },
      [{ userId: scope.userId, role: "owner" }, { userId: input.botId, role: "member" }],
      { deps, tx, record },
    );
  });
}

/**
 * The direct conversation between the caller and another person, created on first use.
 * The pair's dedupe key is unique, so two racing calls end with one conversation.
 */
export async function startDirect(
  scope: TenantScope,
  otherUserId: string,
  deps: ChatDeps,
): Promise<{ conversation: ConversationObject; created: boolean }> {
  if (!isUuid(otherUserId)) throw badRequest("Cannot start conversation: participant_id is not a valid id");
  if (otherUserId === scope.userId) throw badRequest("Cannot start a conversation with yourself");
  const [other] = await findUsers(scope, [otherUserId]);
  const visible = await visiblePeople(scope);
  if (!other || !other.isActive || (visible && !visible.has(other.id))) throw notFound("Participant");
  const directKey = [scope.userId, other.id].sort().join(":");
  const existing = await findDirectConversation(scope, directKey);
  if (existing) return { conversation: await viewOf(scope, existing, deps), created: false };
  await limitConversationCreation(scope, deps);
  const now = new Date(deps.now());
  try {
    return await commitChange(scope, async (tx, record) => {
      const again = await findDirectConversation(scope, directKey, tx);
      if (again) return { conversation: await viewOf(scope, again, deps, tx), created: false };
      const conversation = await openConversation(scope, {
        id: uuidv7(now.getTime()),
        kind: "direct",
        directKey,
        createdBy: scope.userId,
        createdAt: now,
        updatedAt: now,
      }, [
        { userId: scope.userId, role: "member" },
        { userId: other.id, role: "member" },
      ], { deps, tx, record });
      return { conversation, created: true };
    });
  } catch (e) {
    // another process created the pair's conversation between our check and our insert
    const winner = isUniqueViolation(e) ? await findDirectConversation(scope, directKey) : undefined;
    if (!winner) throw e;
    return { conversation: await viewOf(scope, winner, deps), created: false };
  }
}

/**
 * Renames a group or channel, changes its topic or its custom fields (conversation owners
 * and admins). Custom field values given replace theirs; a null removes one.
 */
export async function updateConversation(
  scope: TenantScope,
  conversationId: string,
  changes: { title?: string; topic?: string | null; customFields?: CustomFieldValues },
  deps: ChatDeps,
): Promise<ConversationObject> {
  const { conversation, participant } = await requireMember(scope, conversationId);
  if (conversation.kind === "direct") throw badRequest("Cannot rename a direct conversation");
  if (!canManage(scope, participant)) throw forbidden("Only the conversation's owners and admins can change it");
  const title = changes.title?.trim();
  if (changes.title !== undefined && !title) throw badRequest("Cannot rename conversation: title is empty");
  const customFields = changes.customFields === undefined ? undefined : checkCustomFields(
    (await loadFeatureSettings(scope)).customFields,
    "conversation",
    mergeCustomFields(conversation.customFields, changes.customFields),
  );
  const now = new Date(deps.now());
  return await commitChange(scope, async (tx, record) => {
    await updateConversationRow(scope, conversation.id, { title, topic: changes.topic, updatedAt: now }, tx);
    if (customFields !== undefined) await setConversationCustomFields(scope, conversation.id, customFields, tx);
    if (title !== undefined && title !== conversation.title) {
      await postSystemMessage(
        scope,
        conversation,
        {
          action: "renamed",
          content: `The conversation was renamed to "${title}"`,
          at: now,
          data: { title },
        },
        tx,
        record,
      );
    }
    const updated = await findConversation(scope, conversation.id, tx);
    const object = await viewOf(scope, updated ?? conversation, deps, tx);
    await announce(scope, { tx, record }, "updated", object, {
      ...(title !== undefined ? { title } : {}),
      ...(changes.topic !== undefined ? { topic: changes.topic } : {}),
      ...(customFields !== undefined ? { custom_fields: customFields } : {}),
    });
    return object;
  });
}

/** People for the presence list: the tenant's active users, or for a guest only the people they share a conversation with. */
export async function listPeople(scope: TenantScope, deps: Pick<ChatDeps, "presence">) {
  const visible = await visiblePeople(scope);
  const users = await listUsers(scope);
  return users
    .filter((u) => u.isActive && u.id !== scope.userId && (!visible || visible.has(u.id)))
    .map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      username: u.username,
      is_online: u.isBot || deps.presence.isOnline(scope.tenantId, u.id),
      is_bot: u.isBot,
      last_seen: u.lastSeenAt?.toISOString() ?? null,
    }));
}

/**
 * Inserts a conversation with its members inside an open change, records
 * `conversation_created` and audits it; answers the conversation as the caller sees it.
 */
export async function openConversation(
  scope: TenantScope,
  row: Omit<NewConversation, "tenantId">,
  members: { userId: string; role: ParticipantRole }[],
  change: { deps: ChatDeps; tx: Tx; record: RecordEvent },
): Promise<ConversationObject> {
  const { deps, tx, record } = change;
  const conversation = await insertConversation(scope, row, tx);
  await upsertMembers(scope, conversation.id, members, { now: row.createdAt, lastMessageId: null }, tx);
  const object = await viewOf(scope, conversation, deps, tx);
  await announce(scope, { tx, record }, "created", object, {
    kind: row.kind,
    participant_ids: members.map((m) => m.userId),
  });
  return object;
}

/**
 * Records `conversation_created` or `conversation_updated` and audits the caller's change.
 * One event serves every member: the caller's own unread count, archive and mute stay out of it.
 * @param change the open change
 * @param what created or updated
 * @param object the conversation as the caller sees it
 * @param auditData what the audit entry keeps of the change
 */
async function announce(
  scope: TenantScope,
  change: { tx: Tx; record: RecordEvent },
  what: "created" | "updated",
  object: ConversationObject,
  auditData: Record<string, unknown>,
): Promise<void> {
  const data = { conversation: sharedConversation(object) };
  await change.record({ type: `conversation_${what}`, conversationId: object.id, data });
  await audit(change.tx, scope, {
    actorId: scope.userId,
    action: `conversation.${what}`,
    targetType: "conversation",
    targetId: object.id,
    data: auditData,
  });
}

async function viewOf(
  scope: TenantScope,
  conversation: Conversation,
  deps: Pick<ChatDeps, "presence">,
  db?: Parameters<typeof conversationObjects>[4],
): Promise<ConversationObject> {
  const [object] = await conversationObjects(scope, scope.userId, [conversation], deps, db);
  return object;
}
