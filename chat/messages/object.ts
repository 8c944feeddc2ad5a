import type { DbOrTx } from "../../db/client.ts";
import type { Attachment, Reaction, User } from "../../db/schema/mod.ts";
import { listAttachmentsFor } from "../../db/attachments.ts";
import { listReactionMarks } from "../../db/reactions.ts";
import type { MessageRow } from "../../db/messages.ts";
import { listMentionMarks, type MentionMark } from "../../db/mentions.ts";
import { findUsers } from "../../db/users.ts";
import type { MemberMark } from "../../db/participants.ts";
import type {
  EntityObject,
  MentionObject,
  MessageObject,
  MessageStatus,
  ReactionObject,
  SystemFacts,
} from "../objects.ts";
import type { TenantOnlyScope } from "../tenancy.ts";

type AttachmentMark = Pick<Attachment, "id" | "filename" | "contentType" | "size">;
type ReactionMark = Pick<Reaction, "userId" | "emoji">;

/** What a deleted message reads as in every API object and event. */
export const DELETED_CONTENT = "[Message deleted]";

/** The download path of an attachment. */
export function attachmentUrl(attachmentId: string): string {
  return `/api/chat/attachments/${attachmentId}/`;
}

/**
 * A message's status as its sender sees it, derived from the other current members'
 * watermarks: read once every one of them has read past it, delivered once every one has
 * fetched past it.
 */
export function messageStatus(message: Pick<MessageRow, "id" | "senderId">, members: MemberMark[]): MessageStatus {
  const others = members.filter((m) => m.participant.userId !== message.senderId);
  if (others.length === 0) return "sent";
  if (others.every((m) => (m.participant.lastReadMessageId ?? "") >= message.id)) return "read";
  if (others.every((m) => (m.participant.lastDeliveredMessageId ?? "") >= message.id)) return "delivered";
  return "sent";
}

/** Groups reactions per emoji, in order of first use. */
export function reactionObjects(rows: ReactionMark[]): ReactionObject[] {
  const byEmoji = new Map<string, ReactionObject>();
  for (const r of rows) {
    const entry = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, user_ids: [] };
    entry.count++;
    entry.user_ids.push(r.userId);
    byEmoji.set(r.emoji, entry);
  }
  return [...byEmoji.values()];
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * The one serializer of messages: rows in, API objects out, with a handful of batched
 * queries whatever the number of messages. Senders come from the members when they are
 * still in the conversation; files are looked up only for messages that have some.
 * @param members the current members of the messages' conversations (for status)
 */
export async function messageObjects(
  scope: TenantOnlyScope,
  rows: MessageRow[],
  members: MemberMark[],
  db: DbOrTx = scope.db,
): Promise<MessageObject[]> {
  if (rows.length === 0) return [];
  const live = rows.filter((m) => !m.deletedAt).map((m) => m.id);
  const withFiles = rows.filter((m) => !m.deletedAt && m.hasAttachments).map((m) => m.id);
  const senderById = new Map<string, Pick<User, "name" | "email">>(members.map((m) => [m.user.id, m.user]));
  const formerSenders = [...new Set(rows.map((m) => m.senderId))]
    .filter((id): id is string => !!id && !senderById.has(id));
  const [senders, files, reactions, mentions] = await Promise.all([
    findUsers(scope, formerSenders, db),
    listAttachmentsFor(scope, withFiles, db),
    listReactionMarks(scope, live, db),
    listMentionMarks(scope, live, db),
  ]);
  for (const u of senders) senderById.set(u.id, u);
  const filesBy = groupBy(files, (a) => a.messageId);
  const reactionsBy = groupBy(reactions, (r) => r.messageId);
  const mentionsBy = groupBy(mentions, (m) => m.messageId);
  const membersBy = groupBy(members, (m) => m.participant.conversationId);
  return rows.map((m) =>
    toMessageObject(m, {
      sender: m.senderId ? senderById.get(m.senderId) : undefined,
      files: filesBy.get(m.id) ?? [],
      reactions: reactionsBy.get(m.id) ?? [],
      mentions: mentionsBy.get(m.id) ?? [],
      members: membersBy.get(m.conversationId) ?? [],
    })
  );
}

/**
 * One message row plus what belongs to it, as the API object. Pure: callers that already
 * hold the parts (a message just sent) need no queries.
 */
export function toMessageObject(
  m: MessageRow,
  parts: {
    sender: Pick<User, "name" | "email"> | undefined;
    files: AttachmentMark[];
    reactions: ReactionMark[];
    mentions: Omit<MentionMark, "messageId">[];
    members: MemberMark[];
  },
): MessageObject {
  const deleted = !!m.deletedAt;
  return {
    id: m.id,
    conversation: m.conversationId,
    sender_id: m.senderId,
    sender_name: parts.sender?.name ?? null,
    sender_email: parts.sender?.email ?? null,
    kind: m.kind,
    content: deleted ? DELETED_CONTENT : m.content,
    parent_id: m.parentId,
    has_attachments: !deleted && m.hasAttachments,
    attachments: deleted ? [] : parts.files.map(attachmentObject),
    reactions: deleted ? [] : reactionObjects(parts.reactions),
    mentions: deleted ? [] : parts.mentions.filter((x) => x.userId && x.username).map((x): MentionObject => ({
      user_id: x.userId!,
      username: x.username!,
      name: x.name ?? "",
    })),
    mentions_all: !deleted && parts.mentions.some((x) => x.everyone),
    entities: deleted ? [] : parts.mentions.filter((x) => x.entityType).map((x): EntityObject => ({
      type: x.entityType!,
      id: x.entityId ?? "",
      url: x.url ?? "",
      label: x.label ?? "",
    })),
    custom_fields: deleted ? {} : m.customFields,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    edited_at: m.editedAt?.toISOString() ?? null,
    is_deleted: deleted,
    status: m.kind === "bot" ? m.botStatus ?? "complete" : messageStatus(m, parts.members),
    ...(m.kind === "system" && !deleted ? { system: systemFacts(m.metadata) } : {}),
  };
}

function systemFacts(metadata: Record<string, unknown> | null): SystemFacts {
  const { action, name, title } = metadata ?? {};
  return {
    action: typeof action === "string" ? action : "",
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof title === "string" ? { title } : {}),
  };
}

function attachmentObject(a: AttachmentMark) {
  return { id: a.id, filename: a.filename, content_type: a.contentType, size: a.size, url: attachmentUrl(a.id) };
}
