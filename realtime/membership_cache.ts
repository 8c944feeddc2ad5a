import type { Db } from "../db/client.ts";
import { listConversationMembers, listUserConversationIds } from "../db/memberships.ts";
import type { ChatEvent } from "../chat/events.ts";
import type { TenantId } from "../chat/tenancy.ts";

const MAX_CONVERSATIONS = 50_000;

/**
 * Who is in which conversation, in memory, so routing an event costs no query per
 * subscriber. A conversation is loaded with one query the first time it matters and then
 * kept current by the membership events passing through the tail reader. Loads run under
 * the tail reader's lock: a snapshot may be newer than the event being routed, and
 * re-applying the later membership events on top of it converges to the same sets.
 */
export class MembershipCache {
  #members = new Map<string, Set<string>>();
  /** Conversations of users with an open listener (guests need them to see presence). */
  #userConversations = new Map<string, Set<string>>();

  constructor(private readonly db: Db) {}

  /**
   * The current members of a conversation, loading them if needed.
   * @param tenantId the conversation's tenant
   * @param conversationId which
   */
  async members(tenantId: string, conversationId: string): Promise<Set<string>> {
    const key = `${tenantId}:${conversationId}`;
    const known = this.#members.get(key);
    if (known) return known;
    await this.#load(tenantId, [conversationId]);
    return this.#members.get(key)!;
  }

  /**
   * Loads a user's conversations and their members, and keeps them while the user listens.
   * @param tenantId the tenant
   * @param userId who
   */
  async pinUser(tenantId: string, userId: string): Promise<void> {
    const key = `${tenantId}:${userId}`;
    if (this.#userConversations.has(key)) return;
    const ids = await listUserConversationIds({ tenantId: tenantId as TenantId, db: this.db }, userId);
    this.#userConversations.set(key, new Set(ids));
    await this.#load(tenantId, ids.filter((id) => !this.#members.has(`${tenantId}:${id}`)));
  }

  /**
   * Forgets a user's conversation list once nobody listens for them.
   * @param tenantId the tenant
   * @param userId who
   */
  unpinUser(tenantId: string, userId: string): void {
    this.#userConversations.delete(`${tenantId}:${userId}`);
  }

  /**
   * True when two users of a tenant share a conversation (the first must be pinned).
   * @param tenantId the tenant
   * @param viewerId the pinned user
   * @param otherId the other user
   */
  shareConversation(tenantId: string, viewerId: string, otherId: string): boolean {
    if (viewerId === otherId) return true;
    for (const id of this.#userConversations.get(`${tenantId}:${viewerId}`) ?? []) {
      if (this.#members.get(`${tenantId}:${id}`)?.has(otherId)) return true;
    }
    return false;
  }

  /**
   * Applies a membership change carried by an event (other events change nothing).
   * @param event a durable event in log order
   */
  apply(event: ChatEvent): void {
    const t = event.tenantId;
    if (event.type === "conversation_created") {
      const ids = event.data.conversation.participants?.map((p) => p.id) ?? [];
      this.#members.set(`${t}:${event.data.conversation.id}`, new Set(ids));
      for (const id of ids) this.#userConversations.get(`${t}:${id}`)?.add(event.data.conversation.id);
    } else if (event.type === "participant_added") {
      this.#members.get(`${t}:${event.data.conversation_id}`)?.add(event.data.user_id);
      this.#userConversations.get(`${t}:${event.data.user_id}`)?.add(event.data.conversation_id);
    } else if (event.type === "participant_removed") {
      this.#members.get(`${t}:${event.data.conversation_id}`)?.delete(event.data.user_id);
      this.#userConversations.get(`${t}:${event.data.user_id}`)?.delete(event.data.conversation_id);
    }
  }

  async #load(tenantId: string, conversationIds: string[]) {
    if (conversationIds.length === 0) return;
    if (this.#members.size > MAX_CONVERSATIONS) this.#evict();
    for (let i = 0; i < conversationIds.length; i += 500) {
      const found = await listConversationMembers(
        { tenantId: tenantId as TenantId, db: this.db },
        conversationIds.slice(i, i + 500),
      );
      for (const [id, users] of found) this.#members.set(`${tenantId}:${id}`, new Set(users));
    }
  }

  #evict() {
    let n = Math.floor(this.#members.size / 10);
    for (const key of this.#members.keys()) {
      if (n-- <= 0) break;
      this.#members.delete(key);
    }
  }
}
