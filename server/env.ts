import type { ChatDeps } from "../chat/deps.ts";
import type { AssistantRunner } from "../chat/assistant/runner.ts";
import type { Config } from "./config.ts";
import type { Database } from "../db/client.ts";
import type { Bus } from "../chat/bus.ts";
import type { Realtime } from "../realtime/mod.ts";
import type { SessionKeys } from "../chat/accounts/auth.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { AttachmentStorage } from "../chat/messages/storage.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import type { User } from "../db/schema/mod.ts";
import type { Locale, Translator } from "../i18n/mod.ts";
import type { RetentionJob } from "../chat/retention/job.ts";

/** Read side of presence, as the chat API needs it. */
export interface PresenceView {
  isOnline(tenantId: string, userId: string): boolean;
  /** Records API activity (keeps the user online for a while). */
  touch?(tenantId: string, userId: string): void;
}

/** Everything the app needs from outside; tests build their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  bus: Bus;
  keys: SessionKeys;
  /** Who is online; the real-time layer keeps it. */
  presence: PresenceView;
  /** Streams, the event tail reader, typing and metrics. */
  realtime: Realtime;
  /** Where attachment bytes are kept (ATTACHMENTS). */
  storage: AttachmentStorage;
  /** Per-process rate limit counters. */
  limiter: RateLimiter;
  /** Milliseconds since the epoch; injectable so tests need not wait for windows to pass. */
  now: () => number;
  /** The bots' answers to a committed message, run detached from the send. */
  afterSend?: ChatDeps["afterSend"];
  /** Answers questions to the assistant; null without AI_BASE_URL. */
  assistant: AssistantRunner | null;
  /** Purges deleted and expired messages at start and every hour. */
  retention: RetentionJob;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Set by `requireUser`. */
    user: User;
    scope: TenantScope;
    sessionId: string;
    locale: Locale;
    t: Translator;
  };
};
