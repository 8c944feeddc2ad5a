import type { ChatEvent } from "./events.ts";

const EXPIRES_MS = 5_000;
/** A steady typist is re-announced at this pace, so indicators do not expire under them. */
const REANNOUNCE_MS = 2_000;

/**
 * Who is typing where. Typing is ephemeral: it travels on the bus and is never stored;
 * an indicator expires 5 s after the last signal.
 */
export class TypingTracker {
  #last = new Map<string, { at: number; announced: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records a signal. Returns the event to broadcast, or null when one went out moments ago.
   * @param tenantId the tenant
   * @param conversationId where
   * @param user who is typing
   */
  signal(tenantId: string, conversationId: string, user: { id: string; name: string }): ChatEvent | null {
    const now = this.now();
    const key = `${conversationId}:${user.id}`;
    const last = this.#last.get(key);
    if (this.#last.size > 10_000) this.#sweep(now);
    if (last && now - last.announced < REANNOUNCE_MS) {
      last.at = now;
      return null;
    }
    this.#last.set(key, { at: now, announced: now });
    return {
      id: 0,
      tenantId,
      type: "typing",
      data: { conversation_id: conversationId, user_id: user.id, user_name: user.name },
      conversationId,
      userId: user.id,
      createdAt: now,
    };
  }

  /**
   * The users typing in a conversation now.
   * @param conversationId where
   */
  typingIn(conversationId: string): string[] {
    const now = this.now();
    const prefix = `${conversationId}:`;
    return [...this.#last].filter(([k, v]) => k.startsWith(prefix) && now - v.at < EXPIRES_MS)
      .map(([k]) => k.slice(prefix.length));
  }

  #sweep(now: number) {
    for (const [k, v] of this.#last) if (now - v.at >= EXPIRES_MS) this.#last.delete(k);
  }
}
