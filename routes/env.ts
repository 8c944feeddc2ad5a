import type { Config } from "../chat/config.ts";
import type { Database } from "../db/client.ts";
import type { Bus } from "../chat/bus.ts";
import type { SessionKeys } from "../chat/auth.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import type { User } from "../db/schema/mod.ts";
import type { Locale, Translator } from "../i18n/mod.ts";

/** Everything the app needs from outside; tests build their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  bus: Bus;
  keys: SessionKeys;
  /** Milliseconds since the epoch; injectable so tests need not wait for windows to pass. */
  now: () => number;
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
