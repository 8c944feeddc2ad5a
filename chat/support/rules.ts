import type { BusinessHours, SupportBotSettings, Weekday } from "./settings.ts";

/**
 * The words of a text as the support bot compares them: lower case, diacritics removed
 * ("Política" and "politica" are one word), split on anything that is not a letter or a digit.
 * @param value the text
 */
export function words(value: string): string[] {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * True when one of the keywords appears in the text as whole words: "price" matches
 * "What is the PRICE?" but not "priceless"; a keyword of several words matches them in a row.
 * @param value the text
 * @param keywords the keywords
 */
export function matchesKeywords(value: string, keywords: readonly string[]): boolean {
  const text = words(value);
  return keywords.some((keyword) => {
    const wanted = words(keyword);
    if (wanted.length === 0) return false;
    for (let at = 0; at + wanted.length <= text.length; at++) {
      if (wanted.every((w, i) => text[at + i] === w)) return true;
    }
    return false;
  });
}

const WEEKDAY_OF: Record<string, Weekday> = {
  Mon: "mon",
  Tue: "tue",
  Wed: "wed",
  Thu: "thu",
  Fri: "fri",
  Sat: "sat",
  Sun: "sun",
};

/**
 * True when the instant falls within the opening hours, read on the wall clock of their
 * time zone (so a daylight-saving change moves nothing). No hours configured means always open.
 * @param hours the business hours, or null
 * @param nowMs the instant
 */
export function isOpen(hours: BusinessHours | null | undefined, nowMs: number): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: hours.timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(nowMs));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = hours.days[WEEKDAY_OF[part("weekday")]];
  if (!day) return false;
  const time = `${part("hour")}:${part("minute")}`;
  return day[0] <= time && time < day[1];
}

/**
 * What the bot says when a support conversation opens: the greeting, or outside business
 * hours the after-hours message (the greeting when none is set).
 * @param bot the support bot settings
 * @param nowMs the instant the conversation opens
 */
export function openingMessage(bot: SupportBotSettings, nowMs: number): string {
  return isOpen(bot.business_hours, nowMs) ? bot.greeting : bot.after_hours_message ?? bot.greeting;
}

/** The bot's answer to one requester message. */
export type SupportDecision =
  | { action: "refuse" | "reply"; reply: string; misses: 0 }
  | { action: "handoff"; reply: string; misses: 0 }
  | { action: "none"; misses: number };

/** Unmatched messages in a row after which the conversation goes to an agent. */
export const MISSES_BEFORE_HANDOFF = 2;

/**
 * The bot's answer to a requester's message, by the first rule that applies: a forbidden
 * topic is refused (before anything else, so a canned reply can never answer it), then a
 * canned reply, then a hand-off keyword; a message that matches nothing is a miss, and the
 * second miss in a row hands off as a request for a person would.
 * @param bot the support bot settings
 * @param message the requester's message
 * @param misses unmatched messages in a row before this one
 */
export function decide(bot: SupportBotSettings, message: string, misses: number): SupportDecision {
  const forbidden = bot.forbidden_topics.find((rule) => matchesKeywords(message, rule.keywords));
  if (forbidden) return { action: "refuse", reply: forbidden.reply, misses: 0 };
  const canned = bot.canned_replies.find((rule) => matchesKeywords(message, rule.keywords));
  if (canned) return { action: "reply", reply: canned.reply, misses: 0 };
  if (matchesKeywords(message, bot.handoff_keywords)) {
    return { action: "handoff", reply: bot.handoff_message, misses: 0 };
  }
  if (misses + 1 >= MISSES_BEFORE_HANDOFF) return { action: "handoff", reply: bot.handoff_message, misses: 0 };
  return { action: "none", misses: misses + 1 };
}
