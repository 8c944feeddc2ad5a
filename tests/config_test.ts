import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../server/config.ts";
import { resolveSessionSecret } from "../server/runtime.ts";

Deno.test("an empty environment gives the embedded defaults", () => {
  const config = loadConfig({});

  assert.equal(config.port, 8000);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.publicUrl, "http://localhost:8000");
  assert.equal(config.secure, false);
  assert.equal(config.databaseUrl, "file:data/parley.db");
  assert.equal(config.attachments, "fs:data/attachments");
  assert.equal(config.bus, "memory");
  assert.equal(config.allowSignup, true);
  assert.equal(config.signupLimitPerHour, 30);
  assert.equal(config.maxUploadBytes, 10 * 1024 * 1024);
  assert.deepEqual(config.rateLimits, {
    messagesPerMin: 60,
    conversationsPerMin: 20,
    loginsPer15Min: 10,
    editsPerMin: 30,
    reactionsPerMin: 120,
    typingPerMin: 30,
    participantAddsPerMin: 30,
    streamsPerUser: 20,
  });
  assert.equal(config.eventsRetentionHours, 24);
  assert.equal(config.ai, null);
  assert.equal(config.logLevel, "info");
  assert.deepEqual(config.trustedProxies, []);
});

Deno.test("set variables are parsed into typed values", () => {
  const config = loadConfig({
    PORT: "9000",
    PUBLIC_URL: "https://chat.example.com/",
    ALLOW_SIGNUP: "false",
    BUS: "redis://127.0.0.1:6379",
    MAX_UPLOAD_MB: "2",
    AI_BASE_URL: "http://127.0.0.1:11434",
    TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8,::1",
    RATE_LIMIT_EDITS_PER_MIN: "5",
    RATE_LIMIT_REACTIONS_PER_MIN: "6",
    RATE_LIMIT_TYPING_PER_MIN: "7",
    RATE_LIMIT_PARTICIPANT_ADDS_PER_MIN: "8",
    RATE_LIMIT_STREAMS_PER_USER: "9",
  });

  assert.equal(config.port, 9000);
  assert.equal(config.publicUrl, "https://chat.example.com");
  assert.equal(config.secure, true);
  assert.equal(config.allowSignup, false);
  assert.equal(config.bus, "redis://127.0.0.1:6379");
  assert.equal(config.maxUploadBytes, 2 * 1024 * 1024);
  assert.equal(config.ai?.baseUrl, "http://127.0.0.1:11434");
  assert.equal(config.rateLimits.editsPerMin, 5);
  assert.equal(config.rateLimits.reactionsPerMin, 6);
  assert.equal(config.rateLimits.typingPerMin, 7);
  assert.equal(config.rateLimits.participantAddsPerMin, 8);
  assert.equal(config.rateLimits.streamsPerUser, 9);
  assert.deepEqual(config.trustedProxies, [
    { address: "127.0.0.1", prefix: 32, family: "ipv4" },
    { address: "10.0.0.0", prefix: 8, family: "ipv4" },
    { address: "::1", prefix: 128, family: "ipv6" },
  ]);
});

const BAD_VALUES: Record<string, string> = {
  PORT: "eighty",
  HOST: " ",
  PUBLIC_URL: "ftp://example.com",
  DATABASE_URL: "postgres://db",
  DATABASE_ENCRYPTION_KEY: "short",
  SESSION_SECRET: "too-short",
  ATTACHMENTS: "s3:bucket",
  BUS: "kafka://broker",
  ALLOW_SIGNUP: "maybe",
  SIGNUP_LIMIT_PER_HOUR: "-1",
  MAX_UPLOAD_MB: "lots",
  RATE_LIMIT_MESSAGES_PER_MIN: "0",
  RATE_LIMIT_CONVERSATIONS_PER_MIN: "1.5",
  RATE_LIMIT_LOGINS_PER_15MIN: "x",
  RATE_LIMIT_EDITS_PER_MIN: "0",
  RATE_LIMIT_REACTIONS_PER_MIN: "-1",
  RATE_LIMIT_TYPING_PER_MIN: "fast",
  RATE_LIMIT_PARTICIPANT_ADDS_PER_MIN: "2.5",
  RATE_LIMIT_STREAMS_PER_USER: "none",
  EVENTS_RETENTION_HOURS: "-3",
  AI_BASE_URL: "not a url",
  LOG_LEVEL: "loud",
  TRUSTED_PROXIES: "10.0.0.0/33",
};

Deno.test("TRUSTED_PROXIES accepts only IP addresses and CIDR ranges", () => {
  for (const value of ["proxy.internal", "10.0.0.1/8/1", "10.0.0.0/-1", "10.0.0.0/", "::1/129", " , "]) {
    assert.throws(() => loadConfig({ TRUSTED_PROXIES: value }), /Invalid configuration: TRUSTED_PROXIES: expected/);
  }
});

for (const [variable, value] of Object.entries(BAD_VALUES)) {
  Deno.test(`a bad ${variable} stops start-up with a one-line message naming it`, () => {
    assert.throws(
      () => loadConfig({ [variable]: value }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.variable, variable);
        assert.ok(e.message.startsWith(`Invalid configuration: ${variable}: expected `), e.message);
        assert.ok(!e.message.includes("\n"), e.message);
        return true;
      },
    );
  });
}

Deno.test("production without SESSION_SECRET stops start-up naming SESSION_SECRET", () => {
  for (const env of [{ NODE_ENV: "production" }, { DENO_ENV: "production" }]) {
    assert.throws(() => loadConfig(env), /Invalid configuration: SESSION_SECRET: required/);
  }
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32) }).production, true);
});

Deno.test("in development a session secret is generated once and kept under the data directory", async () => {
  const dir = await Deno.makeTempDir();
  const config = loadConfig({});

  const first = await resolveSessionSecret(config, dir);
  const second = await resolveSessionSecret(config, dir);
  const configured = await resolveSessionSecret(loadConfig({ SESSION_SECRET: "c".repeat(40) }), dir);

  assert.equal(first.length, 64);
  assert.equal(first, second);
  assert.equal((await Deno.readTextFile(`${dir}/session_secret`)).trim(), first);
  assert.equal(configured, "c".repeat(40));
  await Deno.remove(dir, { recursive: true });
});
