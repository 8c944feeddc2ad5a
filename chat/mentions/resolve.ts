import {
  findConversationRole,
  findMentionCandidates,
  type MentionMark,
  type MentionTarget,
} from "../../db/mentions.ts";
import { entityUrl } from "../entities/types.ts";
import { entityLabel } from "../entities/resolver.ts";
import { loadFeatureSettings } from "../workspace_settings.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { mentionTokens } from "./parse.ts";

/** The word that mentions everyone in a group or channel. */
export const EVERYONE = "all";
/** Entity links of one message that are resolved; further ones stay text. */
const MAX_ENTITIES = 20;

/** What a message's text refers to: the rows to store and the marks its object shows. */
export interface References {
  targets: MentionTarget[];
  marks: Omit<MentionMark, "messageId">[];
}

const NONE: References = { targets: [], marks: [] };

/**
 * Resolves the mentions and entity links of a message the caller writes in a conversation.
 * `@username` names an active user of the workspace who can see the conversation (a
 * participant, or for a channel anyone but a guest), never the author; `@all` counts only
 * in a group or channel and only from its owners and admins or a workspace admin; `@type#id`
 * links when the type is configured. Anything else stays plain text.
 * @param scope the author
 * @param conversationId a conversation the author is in
 * @param content the message text
 */
export async function resolveReferences(
  scope: TenantScope,
  conversationId: string,
  content: string,
  deps: Pick<ChatDeps, "config" | "now">,
): Promise<References> {
  const tokens = mentionTokens(content);
  if (tokens.usernames.length === 0 && tokens.entities.length === 0) return NONE;
  const [users, entities] = await Promise.all([
    resolveUsers(scope, conversationId, tokens.usernames),
    resolveEntities(scope, tokens.entities, deps),
  ]);
  const targets = [...users.targets, ...entities.targets];
  return { targets, marks: [...users.marks, ...entities.marks] };
}

async function resolveUsers(scope: TenantScope, conversationId: string, usernames: string[]): Promise<References> {
  if (usernames.length === 0) return NONE;
  const named = usernames.filter((u) => u !== EVERYONE);
  const [candidates, access] = await Promise.all([
    findMentionCandidates(scope, conversationId, named),
    findConversationRole(scope, conversationId, scope.userId),
  ]);
  if (!access) return NONE;
  const result: References = { targets: [], marks: [] };
  for (const username of usernames) {
    if (username === EVERYONE) {
      const grouped = access.kind === "group" || access.kind === "channel";
      const allowed = access.role === "owner" || access.role === "admin" || scope.role === "admin";
      if (grouped && allowed) {
        result.targets.push({ kind: "everyone" });
        result.marks.push(mark({ everyone: true }));
      }
      continue;
    }
    const user = candidates.find((c) => c.username === username);
    if (!user || user.id === scope.userId) continue;
    if (!user.isMember && !(access.kind === "channel" && user.role !== "guest")) continue;
    result.targets.push({ kind: "user", userId: user.id });
    result.marks.push(mark({ userId: user.id, username: user.username, name: user.name }));
  }
  return result;
}

async function resolveEntities(
  scope: TenantScope,
  tokens: { type: string; id: string }[],
  deps: Pick<ChatDeps, "config" | "now">,
): Promise<References> {
  if (tokens.length === 0) return NONE;
  const { entityTypes } = await loadFeatureSettings(scope);
  const known = tokens.flatMap((t) => {
    const type = entityTypes.find((e) => e.type === t.type);
    return type ? [{ type, id: t.id }] : [];
  }).slice(0, MAX_ENTITIES);
  const options = { now: deps.now(), allowPrivate: deps.config.webhooksAllowPrivate };
  const labels = await Promise.all(known.map((k) => entityLabel(scope.tenantId, k.type, k.id, options)));
  const result: References = { targets: [], marks: [] };
  known.forEach((k, i) => {
    const url = entityUrl(k.type, k.id);
    result.targets.push({ kind: "entity", type: k.type.type, id: k.id, url, label: labels[i] });
    result.marks.push(mark({ entityType: k.type.type, entityId: k.id, url, label: labels[i] }));
  });
  return result;
}

function mark(fields: Partial<Omit<MentionMark, "messageId">>): Omit<MentionMark, "messageId"> {
  return {
    userId: null,
    username: null,
    name: null,
    everyone: false,
    entityType: null,
    entityId: null,
    url: null,
    label: null,
    ...fields,
  };
}
