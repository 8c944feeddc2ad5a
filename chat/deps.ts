import type { Config } from "../server/config.ts";
import type { RateLimiter } from "../server/rate_limit.ts";
import type { AttachmentStorage } from "./messages/storage.ts";
import type { MessageObject } from "./objects.ts";
import type { TenantScope } from "./tenancy.ts";

/** What the chat domain needs from the running process; the app's dependencies satisfy it. */
export interface ChatDeps {
  config: Pick<Config, "maxUploadBytes" | "maxConcurrentUploads" | "rateLimits" | "webhooksAllowPrivate" | "ai">;
  limiter: RateLimiter;
  storage: AttachmentStorage;
  presence: { isOnline(tenantId: string, userId: string): boolean };
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Lets the bots answer a committed message (support bot, bot webhooks); see `afterSend`. */
  afterSend?: (scope: TenantScope, message: SentMessage) => void;
}

/** What the bots need of a message just sent. */
export interface SentMessage {
  conversationId: string;
  senderId: string;
  content: string;
  /** The message as the API shows it. */
  object: MessageObject;
}
