import type { Locale, Translator } from "../i18n/mod.ts";
import { type AppShellProps, EventStream } from "./app_page.tsx";
import { ConversationList, UnreadTotal } from "./conversation_list.tsx";
import { PeopleList } from "./people_list.tsx";
import { NewConversationForms } from "./new_conversation.tsx";
import { EmptyPane } from "./message_list.tsx";
import { type EmbedContext, Layout } from "./layout.tsx";
import { SearchBox } from "./found_list.tsx";

/**
 * The signed-in widget: a chat bar at the bottom right with status and unread count, and a
 * panel with three tabs built from the page's components, with its own event stream. It is
 * a page of its own (signed in by cookie) or the fragment a signed-out widget loads once it
 * holds a session.
 */
export function WidgetRoot(props: AppShellProps) {
  const t = props.t;
  const tabs = [
    { id: "tab-chat", label: t("ui.tab_conversation") },
    { id: "tab-chats", label: t("ui.tab_chats") },
    { id: "tab-people", label: t("ui.people_and_groups") },
  ];
  return (
    <div id="widget-root" data-user-id={props.viewer.id}>
      <EventStream cursor={props.cursor} t={t} />
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
            <SearchBox t={t} />
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
    </div>
  );
}

/** The widget page signed in (by cookie, within Parley's own site). */
export function WidgetPage(props: AppShellProps & { embed: EmbedContext }) {
  return (
    <Layout
      title={props.t("app.name")}
      locale={props.locale}
      t={props.t}
      userId={props.viewer.id}
      brandCss={props.brandCss}
      bodyClass="widget"
      embed={props.embed}
      mainId="main"
    >
      <WidgetRoot {...props} />
    </Layout>
  );
}

/**
 * The widget signed out: just a small "Sign in to chat" bar. The page script waits for a
 * session from the host page (SSO) or the sign-in popup, then loads the widget in its place.
 */
export function SignedOutWidgetPage(props: { locale: Locale; t: Translator; embed: EmbedContext }) {
  const t = props.t;
  return (
    <Layout title={t("app.name")} locale={props.locale} t={t} bodyClass="widget signed-out" embed={props.embed}>
      <div id="widget-root">
        <button type="button" class="chat-bar sign-in-bar" id="sign-in-bar">
          <span class="chat-bar-label">{t("ui.widget_sign_in")}</span>
        </button>
      </div>
    </Layout>
  );
}
