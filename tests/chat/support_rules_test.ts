import assert from "node:assert/strict";
import { decide, isOpen, matchesKeywords, openingMessage, words } from "../../chat/support/rules.ts";
import { supportBotSchema, type SupportBotSettings } from "../../chat/support/settings.ts";

Deno.test("words() folds case and diacritics and splits on anything but letters and digits", () => {
  assert.deepEqual(words("¿Cuál es la POLÍTICA de reembolso?"), ["cual", "es", "la", "politica", "de", "reembolso"]);
  assert.deepEqual(words("São-Paulo, 2026!"), ["sao", "paulo", "2026"]);
});

Deno.test("matchesKeywords() matches whole words, ignoring case and diacritics, phrases in a row", () => {
  assert.ok(matchesKeywords("What is the PRICE?", ["price"]));
  assert.ok(matchesKeywords("quiero un reembolso", ["Reembolsó"]));
  assert.ok(matchesKeywords("política", ["politica"]));
  assert.ok(matchesKeywords("I need a refund policy now", ["refund policy"]));

  assert.ok(!matchesKeywords("this is priceless", ["price"]), "part of a word is not a match");
  assert.ok(!matchesKeywords("refund the policy", ["refund policy"]), "the words of a phrase must be in a row");
  assert.ok(!matchesKeywords("anything", []));
  assert.ok(!matchesKeywords("anything", ["  "]), "a keyword without words never matches");
});

Deno.test("isOpen() reads the wall clock of the configured time zone, end excluded", () => {
  const hours = {
    timezone: "America/Sao_Paulo",
    days: { mon: ["09:00", "17:00"] as [string, string], sat: ["10:00", "12:00"] as [string, string] },
  };
  // 2026-12-07 is a Monday; São Paulo is UTC-3 all year
  const at = (iso: string) => Date.parse(iso);

  assert.equal(isOpen(hours, at("2026-12-07T12:00:00Z")), true, "09:00 local opens");
  assert.equal(isOpen(hours, at("2026-12-07T11:59:00Z")), false, "08:59 local is before opening");
  assert.equal(isOpen(hours, at("2026-12-07T19:59:00Z")), true, "16:59 local");
  assert.equal(isOpen(hours, at("2026-12-07T20:00:00Z")), false, "17:00 local has closed");
  assert.equal(isOpen(hours, at("2026-12-08T02:30:00Z")), false, "Monday 23:30 local is Tuesday in UTC and closed");
  assert.equal(isOpen(hours, at("2026-12-08T12:00:00Z")), false, "Tuesday is not configured: closed");
  assert.equal(isOpen(hours, at("2026-12-12T13:30:00Z")), true, "Saturday 10:30 local");
  assert.equal(isOpen(null, at("2026-12-08T12:00:00Z")), true, "no hours configured: always open");
});

Deno.test("isOpen() follows daylight saving time of the zone", () => {
  const hours = { timezone: "Europe/Madrid", days: { tue: ["09:00", "10:00"] as [string, string] } };

  // winter: Madrid is UTC+1; summer: UTC+2
  assert.equal(isOpen(hours, Date.parse("2026-01-06T08:30:00Z")), true);
  assert.equal(isOpen(hours, Date.parse("2026-07-07T08:30:00Z")), false, "08:30 UTC is 10:30 in summer");
  assert.equal(isOpen(hours, Date.parse("2026-07-07T07:30:00Z")), true);
});

Deno.test("openingMessage() greets within business hours and sends the after-hours message outside", () => {
  const bot = settings({
    business_hours: { timezone: "Asia/Tokyo", days: { mon: ["09:00", "18:00"] } },
    after_hours_message: "We are closed; an agent will answer tomorrow.",
  });

  // Monday 2026-12-07 10:00 in Tokyo (UTC+9) is 01:00 UTC
  assert.equal(openingMessage(bot, Date.parse("2026-12-07T01:00:00Z")), "Hello! How can I help?");
  assert.equal(
    openingMessage(bot, Date.parse("2026-12-07T12:00:00Z")),
    "We are closed; an agent will answer tomorrow.",
  );
  assert.equal(
    openingMessage({ ...bot, after_hours_message: undefined }, Date.parse("2026-12-07T12:00:00Z")),
    "Hello! How can I help?",
    "without an after-hours message the greeting is sent",
  );
});

Deno.test("decide(): forbidden topic first, then canned reply, then hand-off keyword", () => {
  const bot = settings();

  assert.deepEqual(decide(bot, "Can you give me a PRICE for the lawsuit?", 0), {
    action: "refuse",
    reply: "We cannot discuss legal matters.",
    misses: 0,
  });
  assert.deepEqual(decide(bot, "¿Cuál es el horário?", 1), {
    action: "reply",
    reply: "We are open 9 to 17.",
    misses: 0,
  });
  assert.deepEqual(decide(bot, "what is the price", 0), { action: "reply", reply: "Plans start at $10.", misses: 0 });
  assert.deepEqual(decide(bot, "I want to talk to a Humán", 0), {
    action: "handoff",
    reply: "Connecting you with a person.",
    misses: 0,
  });
});

Deno.test("decide(): nothing matched twice in a row hands off; a match in between starts counting again", () => {
  const bot = settings();

  const first = decide(bot, "blue elephants", 0);
  const second = decide(bot, "green giraffes", first.misses);
  const afterMatch = decide(bot, "green giraffes", decide(bot, "price", first.misses).misses);

  assert.deepEqual(first, { action: "none", misses: 1 });
  assert.deepEqual(second, { action: "handoff", reply: "Connecting you with a person.", misses: 0 });
  assert.deepEqual(afterMatch, { action: "none", misses: 1 });
});

Deno.test("supportBotSchema refuses unknown time zones, bad times, closing before opening and unknown days", () => {
  const ok = { ...settings(), business_hours: { timezone: "Europe/Madrid", days: { mon: ["09:00", "17:00"] } } };
  const bad = (hours: unknown) => supportBotSchema.safeParse({ ...ok, business_hours: hours }).success;

  assert.ok(supportBotSchema.safeParse(ok).success);
  assert.ok(
    supportBotSchema.safeParse({ ...ok, business_hours: { timezone: "UTC", days: { fri: ["00:00", "24:00"] } } })
      .success,
  );
  assert.equal(bad({ timezone: "Mars/Olympus", days: {} }), false);
  assert.equal(bad({ timezone: "UTC", days: { mon: ["9:00", "17:00"] } }), false);
  assert.equal(bad({ timezone: "UTC", days: { mon: ["17:00", "09:00"] } }), false);
  assert.equal(bad({ timezone: "UTC", days: { funday: ["09:00", "17:00"] } }), false);
  assert.equal(supportBotSchema.safeParse({ ...ok, canned_replies: [{ keywords: [], reply: "x" }] }).success, false);
  assert.equal(supportBotSchema.safeParse({ ...ok, surprise: true }).success, false);
});

function settings(overrides: Partial<SupportBotSettings> = {}): SupportBotSettings {
  return supportBotSchema.parse({
    enabled: true,
    name: "Helper",
    greeting: "Hello! How can I help?",
    canned_replies: [
      { keywords: ["price", "pricing"], reply: "Plans start at $10." },
      { keywords: ["horario", "opening hours"], reply: "We are open 9 to 17." },
    ],
    forbidden_topics: [{ keywords: ["lawsuit", "legal"], reply: "We cannot discuss legal matters." }],
    handoff_keywords: ["human", "agent"],
    handoff_message: "Connecting you with a person.",
    ...overrides,
  });
}
