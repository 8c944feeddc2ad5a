import type { Translator } from "../i18n/mod.ts";
import { SYSTEM_TEXTS } from "./conversation_list.tsx";

/**
 * The few translated words the page script needs for what it fills into
 * language-independent markup (message states, relative labels, notices).
 */
export function clientStrings(t: Translator): Record<string, string> {
  return {
    deleted: t("ui.message_deleted"),
    edited: t("ui.edited"),
    bot: t("ui.bot"),
    status_sent: t("ui.status_sent"),
    status_delivered: t("ui.status_delivered"),
    status_read: t("ui.status_read"),
    seen_by: t("ui.seen_by"),
    new_messages: t("ui.new_messages"),
    online: t("ui.online"),
    last_seen: t("ui.last_seen"),
    replying_to: t("ui.replying_to"),
    editing: t("ui.editing"),
    reply_to_message: t("ui.reply_to_message"),
    upload_failed: t("ui.upload_failed"),
    file_too_large: t("ui.file_too_large"),
    notifications_blocked: t("ui.notifications_blocked"),
    ...Object.fromEntries(Object.entries(SYSTEM_TEXTS).map(([action, key]) => [`system_${action}`, t(key)])),
    mention_all: t("ui.mention_all"),
    mentioned_you: t("ui.mentioned_you"),
    open_discussion: t("ui.open_discussion"),
    mentions: t("ui.mentions"),
    no_mentions: t("ui.no_mentions"),
    search: t("ui.search"),
    search_no_results: t("ui.search_no_results"),
    search_result_in: t("ui.search_result_in"),
  };
}
