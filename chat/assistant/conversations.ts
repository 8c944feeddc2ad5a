import type { ConversationObject } from "../objects.ts";
import type { ChatDeps } from "../deps.ts";
import type { TenantScope } from "../tenancy.ts";
import { AppError } from "../errors.ts";
import { ensureBotUser } from "../bots/accounts.ts";
import { openBotConversation } from "../conversations/conversations.ts";
import { ASSISTANT_USERNAME, type AssistantSettings, loadAssistantSettings } from "./settings.ts";

/**
 * The assistant's settings when it can answer: the server has a model (`AI_BASE_URL`) and
 * the workspace has it turned on. Otherwise 409 `assistant_disabled`.
 */
export async function requireAssistant(scope: TenantScope, deps: Pick<ChatDeps, "config">): Promise<AssistantSettings> {
  const settings = await loadAssistantSettings(scope);
  if (!deps.config.ai || !settings.enabled) {
    throw new AppError("assistant_disabled", "The assistant is not available in this workspace");
  }
  return settings;
}

/** Whether the caller's workspace offers the assistant (the UI hides it otherwise). */
export async function assistantAvailable(scope: TenantScope, deps: Pick<ChatDeps, "config">): Promise<boolean> {
  return !!deps.config.ai && (await loadAssistantSettings(scope)).enabled;
}

/** Opens a conversation between the caller and the workspace's assistant (any member or guest, for themselves). */
export async function createAssistantConversation(
  scope: TenantScope,
  input: { title?: string },
  deps: ChatDeps,
): Promise<ConversationObject> {
  const settings = await requireAssistant(scope, deps);
  const bot = await ensureBotUser(scope, { username: ASSISTANT_USERNAME, name: settings.name }, deps.now);
  const title = input.title?.trim() || settings.name;
  return await openBotConversation(scope, { kind: "assistant", title, botId: bot.id }, deps);
}
