import type { Db } from "../../db/client.ts";
import type { Config } from "../../server/config.ts";
import type { Bus, BusNews } from "../bus.ts";
import type { ChatEvent } from "../events.ts";
import type { MessageObject } from "../objects.ts";
import { scopeFor, type TenantScope } from "../tenancy.ts";
import { botScope, ensureBotMember, ensureBotUser } from "../bots/accounts.ts";
import { postBotMessage } from "../bots/messages.ts";
import { maskPii } from "../pii/mod.ts";
import { ASSISTANT_USERNAME, type AssistantSettings, loadAssistantSettings } from "./settings.ts";
import { asksAssistant } from "./questions.ts";
import { matchTopic } from "./topics.ts";
import { BotStream } from "./bot_stream.ts";
import { type ChatTurn, CompletionError, type ModelEndpoint, streamCompletion } from "./completion.ts";
import { historyFor, postUnavailable } from "./history.ts";

/**
 * Answers questions to the assistant. It hears every message committed by this process
 * (each message is committed by exactly one process, so it is answered once), and answers
 * in the message's conversation, or as a reply to an `@assistant` mention in a group or
 * channel. One completion runs per conversation at a time; a new question waits for it.
 */
export class AssistantRunner {
  #queues = new Map<string, Promise<void>>();
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: { db: Db; bus: Bus; ai: NonNullable<Config["ai"]>; now: () => number },
  ) {}

  /** Starts listening for questions. */
  start(): void {
    this.#unsubscribe ??= this.deps.bus.subscribe((news) => this.#onNews(news));
  }

  /** Stops listening; answers under way finish. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Resolves when every answer queued so far has ended. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.allSettled([...this.#queues.values()]);
  }

  #onNews(news: BusNews) {
    if (news.kind !== "events" || !news.committed) return;
    for (const event of news.committed) {
      if (event.type !== "message_created") continue;
      const message = (event as Extract<ChatEvent, { type: "message_created" }>).data.message;
      if ((message.kind !== "text" && message.kind !== "file") || !message.sender_id) continue;
      this.#consider(event.tenantId, message).catch((e) => logFailure("question", e));
    }
  }

  async #consider(tenantId: string, question: MessageObject) {
    const scope = scopeFor(this.deps, { tenantId, userId: question.sender_id!, role: "member" });
    const asks = await asksAssistant(scope, question.conversation, question.content);
    if (!asks) return;
    const cid = question.conversation;
    const previous = this.#queues.get(cid) ?? Promise.resolve();
    const next = previous.then(() => this.#answer(scope, question, asks.threaded ? question.id : null))
      .catch((e) => logFailure("answer", e));
    this.#queues.set(cid, next);
    next.finally(() => {
      if (this.#queues.get(cid) === next) this.#queues.delete(cid);
    });
  }

  async #answer(scope: TenantScope, question: MessageObject, parentId: string | null) {
    const settings = await loadAssistantSettings(scope);
    if (!settings.enabled) return;
    const cid = question.conversation;
    const bot = await ensureBotUser(scope, { username: ASSISTANT_USERNAME, name: settings.name }, this.deps.now);
    if (parentId) await ensureBotMember(scope, cid, bot, this.deps.now);
    const asBot = botScope(scope, bot);
    const blocked = matchTopic(question.content, settings.blocked_topics);
    if (blocked) {
      await postBotMessage(asBot, cid, blocked.reply, { parentId, now: this.deps.now });
      return;
    }
    const turns = await this.#turns(scope, settings, question, bot.id);
    const posted = await postBotMessage(asBot, cid, "", { status: "streaming", parentId, now: this.deps.now });
    const stream = new BotStream(asBot, posted, this.deps.now);
    try {
      await streamCompletion(this.#endpoint(), turns, (text) => stream.push(text));
    } catch (e) {
      logFailure("completion", e);
      await stream.finish("failed");
      await postUnavailable(asBot, cid, question.sender_id!, this.deps.now);
      return;
    }
    await stream.finish("complete");
  }

  /** The system prompt and the conversation's last messages up to the question, with PII masked. */
  async #turns(scope: TenantScope, settings: AssistantSettings, question: MessageObject, botId: string) {
    const history = await historyFor(scope, question, settings.max_history_messages);
    const turns: ChatTurn[] = [{ role: "system", content: maskPii(settings.system_prompt).text }];
    for (const m of history) {
      turns.push({ role: m.senderId === botId ? "assistant" : "user", content: maskPii(m.content).text });
    }
    return turns;
  }

  #endpoint(): ModelEndpoint {
    return this.deps.ai;
  }
}

/** Logs what failed and how; never the key, a prompt or an upstream answer. */
function logFailure(what: string, e: unknown) {
  const detail = e instanceof CompletionError
    ? { kind: e.kind, status: e.status }
    : { error: e instanceof Error ? e.name : "unknown" };
  console.error(JSON.stringify({ level: "warn", msg: `assistant ${what} failed`, ...detail }));
}
