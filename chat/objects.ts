/** The API's message object: exactly the SPEC's fields, snake_case. */
export interface MessageObject {
  id: string;
  conversation: string;
  sender_id: string | null;
  sender_name: string | null;
  sender_email: string | null;
  kind: "text" | "file" | "system" | "bot";
  content: string;
  parent_id: string | null;
  has_attachments: boolean;
  attachments: AttachmentObject[];
  reactions: ReactionObject[];
  /** People the text mentions, in order of first appearance, never the author. */
  mentions: MentionObject[];
  /** True when `@all` notifies every participant (written by someone allowed to). */
  mentions_all: boolean;
  /** Business objects the text links to (`@type#id` of a configured type). */
  entities: EntityObject[];
  custom_fields: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  is_deleted: boolean;
  /** Kinds of personal data the PII policy flagged; admins only, and only on flagged messages. */
  pii?: string[];
  /** Bot messages carry their progress instead of the sent/delivered/read status. */
  status: MessageStatus | BotStatus;
  /** What a system message reports, for clients to word it in their reader's language. */
  system?: SystemFacts;
}

/** A system message's facts: the action, and who or what it names. */
export interface SystemFacts {
  action: string;
  name?: string;
  title?: string;
}

export type MessageStatus = "sent" | "delivered" | "read";
/** A bot message's progress: its text may still grow while `streaming`. */
export type BotStatus = "streaming" | "complete" | "failed";

export interface AttachmentObject {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  url: string;
}

export interface ReactionObject {
  emoji: string;
  count: number;
  user_ids: string[];
}

export interface MentionObject {
  user_id: string;
  username: string;
  name: string;
}

export interface EntityObject {
  type: string;
  id: string;
  url: string;
  label: string;
}

/** A message found by a search or listed as a mention, with where it was said. */
export interface FoundMessageObject extends MessageObject {
  conversation_title: string;
  /** Search only: the excerpt with matches in `<mark>`, everything else HTML-escaped. */
  highlight?: string;
}

export interface ParticipantObject {
  id: string;
  name: string;
  email: string;
  username: string;
  is_online: boolean;
  is_bot: boolean;
}

/** The API's conversation object as seen by one user (title, unread and flags are per viewer). */
export interface ConversationObject {
  id: string;
  kind: "direct" | "group" | "channel" | "support" | "assistant";
  title: string;
  topic: string | null;
  is_group: boolean;
  created_at: string;
  updated_at: string;
  last_message: MessageObject | null;
  unread_count: number;
  /** Messages after the viewer's read watermark that mention them (or everyone). */
  unread_mentions: number;
  is_archived: boolean;
  is_muted: boolean;
  participants: ParticipantObject[];
  context_type: string | null;
  context_id: string | null;
  custom_fields: Record<string, unknown>;
}

/** The fields of a conversation object that belong to its viewer alone. */
export type ViewerStateKey = "unread_count" | "unread_mentions" | "is_archived" | "is_muted";

/**
 * A conversation as events carry it to every member: without the per-viewer unread count,
 * archive and mute flags (a full `ConversationObject` does not type-check here).
 */
export type SharedConversationObject = Omit<ConversationObject, ViewerStateKey> & { [K in ViewerStateKey]?: never };

/** A user as the API shows them. */
export interface UserObject {
  id: string;
  email: string;
  username: string;
  name: string;
  role: "admin" | "member" | "guest";
  locale: string | null;
  is_active: boolean;
  last_seen_at: string | null;
  created_at: string;
}

/** A workspace as the API shows it. */
export interface TenantObject {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}
