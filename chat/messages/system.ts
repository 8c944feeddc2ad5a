import type { Tx } from "../../db/client.ts";
import type { Conversation } from "../../db/schema/mod.ts";
import { insertMessage } from "../../db/messages.ts";
import { touchLastMessage } from "../../db/conversations.ts";
import { listMembers } from "../../db/participants.ts";
import { audit } from "../../db/audit.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { RecordEvent } from "../changes.ts";
import type { TenantScope } from "../tenancy.ts";
import { messageObjects } from "./object.ts";

/** What a system message reports; the UI renders it localized from `metadata`. */
export type SystemAction = "joined" | "left" | "added" | "removed" | "renamed" | "assistant_unavailable";

/**
 * Posts a system message (no sender) inside an open change and records its event.
 * @param change who did what; `content` is the English fallback text
 */
export async function postSystemMessage(
  scope: TenantScope,
  conversation: Conversation,
  change: { action: SystemAction; content: string; at: Date; data?: Record<string, unknown> },
  tx: Tx,
  record: RecordEvent,
): Promise<void> {
  const message = await insertMessage(scope, {
    id: uuidv7(change.at.getTime()),
    conversationId: conversation.id,
    senderId: null,
    kind: "system",
    content: change.content,
    metadata: { action: change.action, actor_id: scope.userId, ...change.data },
    createdAt: change.at,
    updatedAt: change.at,
  }, tx);
  await touchLastMessage(scope, conversation.id, message, tx);
  const members = await listMembers(scope, [conversation.id], tx);
  const [object] = await messageObjects(scope, [message], members, tx);
  await record({
    type: "message_created",
    conversationId: conversation.id,
    data: { conversation_id: conversation.id, message: object },
  });
}

const MEMBERSHIP_TEXT = {
  added: (name: string) => `${name} was added`,
  joined: (name: string) => `${name} joined`,
  left: (name: string) => `${name} left`,
  removed: (name: string) => `${name} was removed`,
} as const;

/**
 * Reports a membership change inside an open change: a system message in the
 * conversation and an audit entry (`participant.<action>`).
 * @param change what happened to whom (`name` for the English fallback text)
 */
export async function recordMembershipChange(
  scope: TenantScope,
  conversation: Conversation,
  change: { action: keyof typeof MEMBERSHIP_TEXT; userId: string; name: string | undefined; at: Date },
  tx: Tx,
  record: RecordEvent,
): Promise<void> {
  const data = { user_id: change.userId };
  const content = MEMBERSHIP_TEXT[change.action](change.name ?? "Someone");
  // the name goes along so every reader's page words it in their own language
  const facts = { ...data, ...(change.name === undefined ? {} : { name: change.name }) };
  await postSystemMessage(
    scope,
    conversation,
    { action: change.action, content, at: change.at, data: facts },
    tx,
    record,
  );
  await audit(tx, scope, {
    actorId: scope.userId,
    action: `participant.${change.action}`,
    targetType: "conversation",
    targetId: conversation.id,
    data,
  });
}
