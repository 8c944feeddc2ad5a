import type { Config } from "../server/config.ts";
import type { RateLimiter } from "../server/rate_limit.ts";
import type { AttachmentStorage } from "./messages/storage.ts";

/** What the chat domain needs from the running process; the app's dependencies satisfy it. */
export interface ChatDeps {
  config: Pick<Config, "maxUploadBytes" | "maxConcurrentUploads" | "rateLimits" | "webhooksAllowPrivate" | "ai">;
  limiter: RateLimiter;
  storage: AttachmentStorage;
  presence: { isOnline(tenantId: string, userId: string): boolean };
  /** Milliseconds since the epoch. */
  now: () => number;
}
