import { and, eq } from "drizzle-orm";
import { conversations, participants } from "../../db/schema/mod.ts";
import { recordEvent } from "../../db/events.ts";
import { uuidv7 } from "../../db/ids.ts";
import type { NewChatEvent } from "../../chat/events.ts";
import type { MessageObject, SharedConversationObject } from "../../chat/objects.ts";
import type { TenantId } from "../../chat/tenancy.ts";
import type { AppDeps } from "../../server/env.ts";
import type { User } from "../../db/schema/mod.ts";

/**
 * Commits events the way the domain does: in one transaction with the change, then
 * announces them on the bus.
 */
export async function commit(deps: AppDeps, tenantId: string, events: NewChatEvent[]): Promise<number> {
  const scope = { tenantId: tenantId as TenantId, db: deps.database.db };
  let last = 0;
  await deps.database.db.transaction(async (tx) => {
    for (const e of events) last = (await recordEvent(tx, scope, e)).id;
  });
  await deps.bus.publish({ kind: "events", lastEventId: last });
  return last;
}

/** Creates a group conversation with participants and records `conversation_created`. */
export async function createGroup(deps: AppDeps, owner: User, members: User[]): Promise<string> {
  const id = uuidv7();
  const now = new Date();
  const db = deps.database.db;
  await db.insert(conversations).values({
    id,
    tenantId: owner.tenantId,
    kind: "group",
    title: "Team",
    createdBy: owner.id,
    createdAt: now,
    updatedAt: now,
  });
  for (const user of [owner, ...members]) {
    await db.insert(participants).values({
      id: uuidv7(),
      tenantId: owner.tenantId,
      conversationId: id,
      userId: user.id,
      role: user === owner ? "owner" : "member",
      joinedAt: now,
    });
  }
  await commit(deps, owner.tenantId, [{
    type: "conversation_created",
    conversationId: id,
    data: { conversation: conversationObject(id, [owner, ...members]) },
  }]);
  return id;
}

/** Marks a participant as gone and records `participant_removed` (addressed to them too). */
export async function removeMember(deps: AppDeps, conversationId: string, user: User): Promise<void> {
  await deps.database.db.update(participants).set({ leftAt: new Date() })
    .where(and(eq(participants.conversationId, conversationId), eq(participants.userId, user.id)));
  await commit(deps, user.tenantId, [{
    type: "participant_removed",
    conversationId,
    userId: user.id,
    data: { conversation_id: conversationId, user_id: user.id },
  }]);
}

/** Records `message_created` events for messages of a sender. */
export function sendMessages(deps: AppDeps, conversationId: string, sender: User, contents: string[]): Promise<number> {
  return commit(
    deps,
    sender.tenantId,
    contents.map((content) => ({
      type: "message_created" as const,
      conversationId,
      data: { conversation_id: conversationId, message: messageObject(conversationId, sender, content) },
    })),
  );
}

/** A message object like the API answers, from a sender and its content. */
export function messageObject(conversationId: string, sender: User, content: string): MessageObject {
  const now = new Date().toISOString();
  return {
    id: uuidv7(),
    conversation: conversationId,
    sender_id: sender.id,
    sender_name: sender.name,
    sender_email: sender.email,
    kind: "text",
    content,
    parent_id: null,
    has_attachments: false,
    attachments: [],
    reactions: [],
    mentions: [],
    mentions_all: false,
    entities: [],
    custom_fields: {},
    created_at: now,
    updated_at: now,
    edited_at: null,
    is_deleted: false,
    status: "sent",
  };
}

function conversationObject(id: string, people: User[]): SharedConversationObject {
  const now = new Date().toISOString();
  return {
    id,
    kind: "group",
    title: "Team",
    topic: null,
    is_group: true,
    created_at: now,
    updated_at: now,
    last_message: null,
    participants: people.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      username: u.username,
      is_online: false,
      is_bot: false,
    })),
    context_type: null,
    context_id: null,
    custom_fields: {},
  };
}
