import type { Translator } from "../i18n/mod.ts";

/** A person as the people list shows them. */
export interface PersonView {
  id: string;
  name: string;
  email: string;
  is_online: boolean;
  last_seen: string | null;
}

/**
 * An online dot. Every dot of a user carries the class `presence-<id>`, so one push
 * updates them all; the page script writes "last seen" in the reader's language.
 */
export function PresenceDot(props: { userId: string; online: boolean; lastSeen: string | null }) {
  return (
    <span
      class={`presence presence-${props.userId}${props.online ? " online" : ""}`}
      data-user-id={props.userId}
      data-online={props.online ? "true" : "false"}
      data-last-seen={props.lastSeen ?? ""}
    >
    </span>
  );
}

/** People of the workspace; choosing one opens (or starts) the direct chat. */
export function PeopleList(props: { people: PersonView[]; viewerId: string; t: Translator; canInvite?: boolean }) {
  const t = props.t;
  const others = props.people.filter((p) => p.id !== props.viewerId);
  return (
    <ul id="people-list" class="people-list" aria-label={t("ui.people")}>
      {others.map((p) => (
        <li class="person">
          <button
            type="button"
            class="person-button"
            hx-post="/ui/direct"
            hx-vals={JSON.stringify({ user_id: p.id })}
            hx-target="#pane"
            data-user-id={p.id}
          >
            <span class="avatar" aria-hidden="true">
              {(p.name[0] ?? "?").toUpperCase()}
              <PresenceDot userId={p.id} online={p.is_online} lastSeen={p.last_seen} />
            </span>
            <span class="person-main">
              <span class="person-name">{p.name}</span>
              <span class="person-status" data-presence-of={p.id}></span>
            </span>
          </button>
        </li>
      ))}
      {others.length === 0
        ? (
          <li class="empty-note">
            {t("ui.no_people")}
            {props.canInvite ? <a class="invite-people" href="/admin#invite">{t("admin.invite_people")}</a> : null}
          </li>
        )
        : null}
    </ul>
  );
}
