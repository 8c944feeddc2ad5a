import { type AppShellProps, ShellLayout } from "./app_page.tsx";
import { ConversationList, UnreadTotal } from "./conversation_list.tsx";
import { PeopleList } from "./people_list.tsx";
import { NewConversationForms } from "./new_conversation.tsx";
import { EmptyPane } from "./message_list.tsx";

/**
 * The floating widget, made to live in an iframe: a chat bar at the bottom right with
 * status and unread count, and a panel with three tabs built from the page's components.
 */
export function WidgetPage(props: AppShellProps) {
  const t = props.t;
  const tabs = [
    { id: "tab-chat", label: t("ui.tab_conversation") },
    { id: "tab-chats", label: t("ui.tab_chats") },
    { id: "tab-people", label: t("ui.people_and_groups") },
  ];
  return (
    <ShellLayout {...props} bodyClass="widget" mainId="main">
      {/* one landmark for the whole widget: the panel and the bar that opens it */}
      <main id="main" class="widget-main" tabindex={-1}>
        <h1 class="sr-only">{t("app.name")}</h1>
        <section class="widget-panel" id="widget-panel" hidden aria-label={t("app.name")}>
          <div class="widget-tabs" role="tablist">
            {tabs.map((tab, i) => (
              <button
                type="button"
                role="tab"
                class="widget-tab"
                id={`${tab.id}-button`}
                aria-controls={tab.id}
                aria-selected={i === 1 ? "true" : "false"}
                data-tab={tab.id}
              >
                {tab.label}
              </button>
            ))}
          </div>
          <div class="widget-tabpanel" role="tabpanel" id="tab-chat" aria-labelledby="tab-chat-button" hidden>
            <div id="pane" class="pane">
              <EmptyPane t={t} />
            </div>
          </div>
          <div class="widget-tabpanel" role="tabpanel" id="tab-chats" aria-labelledby="tab-chats-button">
            <ConversationList conversations={props.conversations} t={t} hasMore={props.moreConversations} />
          </div>
          <div class="widget-tabpanel" role="tabpanel" id="tab-people" aria-labelledby="tab-people-button" hidden>
            <NewConversationForms people={props.people} channels={props.channels} viewerId={props.viewer.id} t={t} />
            <PeopleList people={props.people} viewerId={props.viewer.id} t={t} />
          </div>
        </section>
        <button type="button" class="chat-bar" id="chat-bar" aria-expanded="false" aria-controls="widget-panel">
          <span class={`presence self-presence online`} aria-hidden="true"></span>
          <span class="chat-bar-label">{t("ui.chat")}</span>
          <span class="chat-bar-status">{t("ui.online")}</span>
          <UnreadTotal count={props.unreadTotal} t={t} />
        </button>
      </main>
    </ShellLayout>
  );
}
