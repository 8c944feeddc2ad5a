import type { ChatEvent } from "../chat/events.ts";
import type { ChatDeps } from "../chat/deps.ts";
import type { Hub } from "./hub.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import { notFound } from "../chat/errors.ts";
import { isUuid } from "../db/ids.ts";
import { limitAction } from "../chat/settings.ts";

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

/**
 * Announces that the caller is typing in a conversation they take part in (404 otherwise),
 * within their per-minute typing limit (429 beyond it, and nothing is announced).
 * @param scope the caller
 * @param conversationId where
 * @param deps the rate limits, and the hub and tracker of the real-time layer
 */
export async function signalTyping(
  scope: TenantScope,
  conversationId: string,
  user: { id: string; name: string },
  deps: Pick<ChatDeps, "config" | "limiter"> & { realtime: { hub: Hub; typing: TypingTracker } },
): Promise<void> {
  const { hub, typing } = deps.realtime;
  if (!isUuid(conversationId) || !await hub.isParticipant(scope.tenantId, conversationId, scope.userId)) {
    throw notFound("Conversation");
  }
  await limitAction(scope, "typing", deps);
  const event = typing.signal(scope.tenantId, conversationId, user);
  if (event) await scope.bus.publish({ kind: "ephemeral", event });
}
