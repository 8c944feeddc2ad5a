import type { Child } from "hono/jsx";
import type { ConversationObject } from "../chat/objects.ts";
import type { Locale, Translator } from "../i18n/mod.ts";
import { Layout } from "./layout.tsx";
import { LanguageSwitcher } from "./language_switcher.tsx";
import { ConversationList, UnreadTotal } from "./conversation_list.tsx";
import { PeopleList, type PersonView } from "./people_list.tsx";
import { NewConversationForms } from "./new_conversation.tsx";
import { MessageActions } from "./message_actions.tsx";
import { SearchBox } from "./found_list.tsx";
import { SupportLinks } from "./support_queue.tsx";
import { EmojiPicker } from "./emoji_picker.tsx";

/** What every signed-in page knows about its viewer and workspace. */
export interface AppShellProps {
  locale: Locale;
  t: Translator;
  viewer: { id: string; name: string; role: string };
  workspace: { name: string; slug?: string; logoUrl?: string | null };
  brandCss?: string;
  conversations: ConversationObject[];
  /** The list holds a first page only: older conversations load as it scrolls. */
  moreConversations: boolean;
  people: PersonView[];
  channels: { id: string; title: string }[];
  /** The workspace offers the assistant: the app shows "Ask the assistant". */
  assistant?: boolean;
  unreadTotal: number;
  /** The event cursor the page was rendered at: the stream resumes after it. */
  cursor: number;
  back: string;
}

/**
 * The connection to the UI event stream; pushed fragments carry their own targets. The
 * extension reconnects a stream that dropped; a first connect that failed is asked again
 * every few seconds (a tick while connected or connecting does nothing).
 */
export function EventStream(props: { cursor: number; t: Translator }) {
  return (
    <>
      <div
        id="event-stream"
        hx-sse:connect={`/ui/events?after=${props.cursor}`}
        hx-trigger="load, every 3s"
        hx-sync="drop"
        hx-swap="none"
        data-cursor={props.cursor}
      >
      </div>
      <div id="notify-slot" hidden></div>
      <div id="live-region" class="sr-only" aria-live="polite" aria-atomic="true"></div>
      <p id="connection-status" class="connection-status" role="status" hidden>{props.t("ui.polling")}</p>
      <template id="event-poll-template">
        <EventPoll after={props.cursor} />
      </template>
      <MessageActions t={props.t} />
      <EmojiPicker t={props.t} />
    </>
  );
}

/**
 * The long-poll fallback of the event stream, for networks where streams keep failing: it
 * asks for the events after `after` as soon as it is on the page, again every few seconds
 * while a poll fails, and each answer brings the next poller in its place.
 */
export function EventPoll(props: { after: number }) {
  return (
    <div
      id="event-poll"
      hx-get={`/ui/events/poll?after=${props.after}`}
      hx-trigger="load, every 3s"
      hx-sync="drop"
      hx-swap="outerHTML"
      {
        // a server error keeps this poller, which asks again
        ...{ "hx-status:5xx": "swap:none" }
      }
      hidden
    >
    </div>
  );
}

/** The document around the signed-in app and the widget, with their event stream. */
export function ShellLayout(props: AppShellProps & { bodyClass: string; mainId: string; children: Child }) {
  const t = props.t;
  return (
    <Layout
      title={t("app.name")}
      locale={props.locale}
      t={t}
      userId={props.viewer.id}
      brandCss={props.brandCss}
      bodyClass={props.bodyClass}
      mainId={props.mainId}
    >
      <EventStream cursor={props.cursor} t={t} />
      {props.children}
    </Layout>
  );
}

/** The sidebar: chats and people with the actions that start conversations. */
export function Sidebar(props: AppShellProps) {
  const t = props.t;
  return (
    <aside class="sidebar" aria-label={t("ui.chats")}>
      <section class="sidebar-section support-links">
        <SupportLinks role={props.viewer.role} t={t} />
      </section>
      <section class="sidebar-section chats">
        <h2 class="section-title">{t("ui.chats")}</h2>
        <SearchBox t={t} />
        <ConversationList conversations={props.conversations} t={t} hasMore={props.moreConversations} />
      </section>
      <section class="sidebar-section people">
        <h2 class="section-title">{t("ui.people_and_groups")}</h2>
        <NewConversationForms
          people={props.people}
          channels={props.channels}
          viewerId={props.viewer.id}
          assistant={props.assistant}
          t={t}
        />
        <PeopleList people={props.people} viewerId={props.viewer.id} t={t} canInvite={props.viewer.role === "admin"} />
      </section>
    </aside>
  );
}

/** Shown to a new workspace's admin after sign-up: the address people sign in with, and where to invite them. */
function Welcome(props: { t: Translator; slug: string; signInUrl: string }) {
  const t = props.t;
  return (
    <section class="welcome-banner" role="status">
      <p>
        {t("admin.welcome")} {t("admin.address")}: <strong class="workspace-slug">{props.slug}</strong>
      </p>
      <label class="field">
        <span>{t("admin.sign_in_url")}</span>
        <input class="sign-in-url copy-field" readonly value={props.signInUrl} />
      </label>
      <a class="primary button" href="/admin#invite">{t("admin.invite_people")}</a>
    </section>
  );
}

/** The full-page app: top bar, sidebar and the open conversation. */
export function AppPage(
  props: AppShellProps & { pane: Child; open: boolean; welcome?: { slug: string; signInUrl: string } },
) {
  const t = props.t;
  return (
    <ShellLayout
      {...props}
      bodyClass={`app${props.open ? " has-open" : ""}${props.viewer.role === "admin" ? " is-admin" : ""}`}
      mainId="pane"
    >
      <header class="topbar">
        <span class="brand">
          {props.workspace.logoUrl
            ? <img class="logo" src={props.workspace.logoUrl} alt="" />
            : <span class="logo-mark" aria-hidden="true">P</span>}
          <h1 class="workspace-name">{props.workspace.name}</h1>
          <UnreadTotal count={props.unreadTotal} t={t} />
        </span>
        <span class="topbar-tools">
          {/* shown by the page script while the browser has not been asked; asking needs this click */}
          <button type="button" class="link-button notify-toggle" hidden>{t("ui.turn_on_notifications")}</button>
          <LanguageSwitcher locale={props.locale} t={t} back={props.back} />
          {props.viewer.role === "admin"
            ? <a href="/admin" class="link-button admin-link">{t("admin.title")}</a>
            : null}
          <span class="viewer-name">{props.viewer.name}</span>
          <form method="post" action="/logout">
            <button type="submit" class="link-button">{t("auth.logout")}</button>
          </form>
        </span>
      </header>
      {props.welcome ? <Welcome t={t} {...props.welcome} /> : null}
      <div class="layout">
        <Sidebar {...props} />
        <main id="pane" class="pane" tabindex={-1}>{props.pane}</main>
      </div>
    </ShellLayout>
  );
}
