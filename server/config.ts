import { z } from "zod";
import { parseTrustedProxies } from "./trusted_proxies.ts";

const bool = z.enum(["true", "false", "1", "0"], { error: "expected true or false" }).transform((v) =>
  v === "true" || v === "1"
);
const positiveInt = (() => {
  const error = "expected a whole number greater than 0";
  return z.coerce.number({ error }).int({ error }).positive({ error });
})();
const positiveNumber = (max = Infinity) => {
  const error = `expected a number greater than 0${max < Infinity ? ` and at most ${max}` : ""}`;
  return z.coerce.number({ error }).positive({ error }).max(max, { error });
};
const port = "expected a port number from 0 to 65535";

const configSchema = z.object({
  PORT: z.coerce.number({ error: port }).int({ error: port }).min(0, { error: port }).max(65535, { error: port })
    .default(8000),
  HOST: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, { message: "expected a host name or IP address" }).default("0.0.0.0"),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).optional(),
  DATABASE_URL: z.string().regex(
    /^(file:.+|:memory:|libsql:\/\/.+|https?:\/\/.+)$/,
    {
      message: "expected file:PATH, :memory:, libsql://… or http(s)://…",
    },
  ).default("file:data/parley.db"),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  DATABASE_ENCRYPTION_KEY: z.string().min(16, {
    message: "expected at least 16 characters",
  }).optional(),
  SESSION_SECRET: z.string().min(32, {
    message: "expected at least 32 characters",
  }).optional(),
  ATTACHMENTS: z.string().regex(/^(fs:.+|db)$/, {
    message: "expected fs:DIR or db",
  }).default(
    "fs:data/attachments",
  ),
  BUS: z.string().regex(/^(memory|broadcast|redis:\/\/.+)$/, {
    message: "expected memory, broadcast or redis://host:port",
  }).default("memory"),
  TRUSTED_PROXIES: z.string().transform((value, ctx) => {
    const ranges = parseTrustedProxies(value);
    if (ranges) return ranges;
    ctx.addIssue({ code: "custom", message: "expected IP addresses or CIDR ranges separated by commas" });
    return z.NEVER;
  }).optional(),
  ALLOW_SIGNUP: bool.default(true),
  SIGNUP_LIMIT_PER_HOUR: positiveInt.default(30),
  MAX_UPLOAD_MB: positiveNumber(1024).default(10),
  MAX_CONCURRENT_UPLOADS: positiveInt.default(2),
  RATE_LIMIT_MESSAGES_PER_MIN: positiveInt.default(60),
  RATE_LIMIT_CONVERSATIONS_PER_MIN: positiveInt.default(20),
  RATE_LIMIT_LOGINS_PER_15MIN: positiveInt.default(10),
  RATE_LIMIT_EDITS_PER_MIN: positiveInt.default(30),
  RATE_LIMIT_REACTIONS_PER_MIN: positiveInt.default(120),
  RATE_LIMIT_TYPING_PER_MIN: positiveInt.default(30),
  RATE_LIMIT_PARTICIPANT_ADDS_PER_MIN: positiveInt.default(30),
  RATE_LIMIT_STREAMS_PER_USER: positiveInt.default(20),
  EVENTS_RETENTION_HOURS: positiveNumber().default(24),
  AI_BASE_URL: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).optional(),
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().optional(),
  AI_TIMEOUT_MS: positiveInt.default(30_000),
  WEBHOOKS_ALLOW_PRIVATE: bool.default(false),
  METRICS_TOKEN: z.string().min(16, { message: "expected at least 16 characters" }).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], { error: "expected debug, info, warn or error" }).default(
    "info",
  ),
  NODE_ENV: z.string().optional(),
  DENO_ENV: z.string().optional(),
});

/** Validated configuration, with derived values filled in. */
export type Config = ReturnType<typeof finish>;

/** A configuration error names the variable and what was expected. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string) {
    super(`Invalid configuration: ${variable}: ${expected}`);
  }
}

function finish(env: z.infer<typeof configSchema>) {
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(
    /\/$/,
    "",
  );
  const production = env.NODE_ENV === "production" ||
    env.DENO_ENV === "production";
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    secure: publicUrl.startsWith("https:"),
    production,
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    encryptionKey: env.DATABASE_ENCRYPTION_KEY,
    sessionSecret: env.SESSION_SECRET,
    attachments: env.ATTACHMENTS,
    bus: env.BUS,
    /** Reverse proxies whose `X-Forwarded-For` names the client; none by default. */
    trustedProxies: env.TRUSTED_PROXIES ?? [],
    allowSignup: env.ALLOW_SIGNUP,
    signupLimitPerHour: env.SIGNUP_LIMIT_PER_HOUR,
    maxUploadBytes: Math.floor(env.MAX_UPLOAD_MB * 1024 * 1024),
    /** Multipart sends a user may have in flight at once, per process. */
    maxConcurrentUploads: env.MAX_CONCURRENT_UPLOADS,
    rateLimits: {
      messagesPerMin: env.RATE_LIMIT_MESSAGES_PER_MIN,
      conversationsPerMin: env.RATE_LIMIT_CONVERSATIONS_PER_MIN,
      loginsPer15Min: env.RATE_LIMIT_LOGINS_PER_15MIN,
      editsPerMin: env.RATE_LIMIT_EDITS_PER_MIN,
      /** Reactions added and removed alike. */
      reactionsPerMin: env.RATE_LIMIT_REACTIONS_PER_MIN,
      typingPerMin: env.RATE_LIMIT_TYPING_PER_MIN,
      /** People one user may add to groups and channels per minute, a new group's participants included. */
      participantAddsPerMin: env.RATE_LIMIT_PARTICIPANT_ADDS_PER_MIN,
      /** Event streams one user may hold open at once. */
      streamsPerUser: env.RATE_LIMIT_STREAMS_PER_USER,
    },
    eventsRetentionHours: env.EVENTS_RETENTION_HOURS,
    ai: env.AI_BASE_URL
      ? {
        baseUrl: env.AI_BASE_URL,
        apiKey: env.AI_API_KEY,
        model: env.AI_MODEL,
        /** A completion that sends nothing for this long has failed. */
        idleTimeoutMs: env.AI_TIMEOUT_MS,
      }
      : null,
    logLevel: env.LOG_LEVEL,
    /** Whether entity resolvers and webhooks may be called on loopback and private addresses. */
    webhooksAllowPrivate: env.WEBHOOKS_ALLOW_PRIVATE,
    /** Bearer token for `/metrics`; without one, only this machine may read them. */
    metricsToken: env.METRICS_TOKEN ?? null,
  };
}

/**
 * Parses the environment once at start.
 * @param env the variables, e.g. `Deno.env.toObject()`
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(
      String(issue.path[0] ?? "environment"),
      issue.message,
    );
  }
  const config = finish(result.data);
  if (config.production && !config.sessionSecret) {
    throw new ConfigError(
      "SESSION_SECRET",
      "required when NODE_ENV/DENO_ENV=production",
    );
  }
  return config;
}
