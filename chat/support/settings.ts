import { z } from "zod";
import { displayText, text } from "../text.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = typeof WEEKDAYS[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: "expected a time as HH:MM" });

/** One day's opening hours: start and end (end excluded, "24:00" for midnight), start before end. */
const openingHours = z.tuple([clock, clock]).refine(([start, end]) => start < end, {
  message: "the opening time must come before the closing time",
});

/** When agents answer: a week in one IANA time zone; a day left out is closed. */
export const businessHoursSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, { message: "expected an IANA time zone such as Europe/Madrid" }),
  days: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, openingHours.nullable().optional()])) as Record<
    Weekday,
    z.ZodOptional<z.ZodNullable<typeof openingHours>>
  >),
});

const reply = text().trim().min(1).max(2000);
const keywords = z.array(text().trim().min(1).max(100)).min(1).max(50);

/** A rule that answers a message whose words contain one of its keywords. */
const keywordRuleSchema = z.strictObject({ keywords, reply });

/** The rule-based support bot of a workspace (setting `support_bot`). */
export const supportBotSchema = z.strictObject({
  enabled: z.boolean(),
  name: displayText().max(80),
  greeting: reply,
  business_hours: businessHoursSchema.nullable().optional(),
  after_hours_message: reply.optional(),
  canned_replies: z.array(keywordRuleSchema).max(200),
  forbidden_topics: z.array(keywordRuleSchema).max(200),
  handoff_keywords: z.array(text().trim().min(1).max(100)).max(50),
  handoff_message: reply,
});

export type SupportBotSettings = z.infer<typeof supportBotSchema>;
export type BusinessHours = z.infer<typeof businessHoursSchema>;

/** The support bot of a workspace that never configured one: off, so support chats go straight to agents. */
export const DEFAULT_SUPPORT_BOT: SupportBotSettings = {
  enabled: false,
  name: "Support",
  greeting: "Hello! How can we help you?",
  business_hours: null,
  canned_replies: [],
  forbidden_topics: [],
  handoff_keywords: ["human", "agent"],
  handoff_message: "Let me get a person from our team to help you.",
};

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
