import { z } from "zod";
import { getTenant } from "../../db/tenants.ts";
import type { TenantOnlyScope } from "../tenancy.ts";

const keywords = z.array(z.string().trim().min(1).max(100)).min(1).max(50);

/** The `assistant` workspace setting. */
export const assistantSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  /** The bot's display name; `@assistant` always reaches it. */
  name: z.string().trim().min(1).max(100),
  system_prompt: z.string().max(10_000),
  /** Questions on these topics get the reply and never reach the model. */
  blocked_topics: z.array(z.strictObject({ keywords, reply: z.string().trim().min(1).max(2000) })).max(100),
  max_history_messages: z.number().int().min(1).max(200),
});

export type AssistantSettings = z.infer<typeof assistantSettingsSchema>;

export const DEFAULT_ASSISTANT_SETTINGS: AssistantSettings = {
  enabled: true,
  name: "Assistant",
  system_prompt: "You are a helpful assistant in a team chat. Answer briefly.",
  blocked_topics: [],
  max_history_messages: 20,
};

/** The username of every workspace's assistant bot (what `@assistant` mentions). */
export const ASSISTANT_USERNAME = "assistant";

/** The workspace's assistant settings, defaults where none are stored or a stored one no longer passes. */
export async function loadAssistantSettings(scope: TenantOnlyScope): Promise<AssistantSettings> {
  const stored = (await getTenant(scope))?.settings?.assistant;
  const parsed = assistantSettingsSchema.partial().safeParse(stored ?? {});
  return { ...DEFAULT_ASSISTANT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}
