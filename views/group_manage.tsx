import type { ConversationObject } from "../chat/objects.ts";
import type { Translator } from "../i18n/mod.ts";
import type { PersonView } from "./people_list.tsx";

/** The "Manage" menu in a group's or channel's header; its content loads when opened. */
export function GroupManageMenu(props: { conversationId: string; t: Translator }) {
  return (
    <details
      class="group-manage"
      hx-get={`/ui/conversations/${props.conversationId}/manage`}
      hx-trigger="toggle once"
      hx-target="find .group-manage-body"
    >
      <summary class="link-button">{props.t("group.manage")}</summary>
      <div class="group-manage-body" id={`manage-${props.conversationId}`}></div>
    </details>
  );
}

/** Rename, add people (owners and admins) and leave (everyone). */
export function GroupManagePanel(
  props: {
    conversation: ConversationObject;
    canManage: boolean;
    canLeave: boolean;
    candidates: PersonView[];
    t: Translator;
  },
) {
  const { conversation: c, t } = props;
  const base = `/ui/conversations/${c.id}`;
  return (
    <div class="group-manage-panel stack">
      {props.canManage
        ? (
          <>
            <form class="inline-form rename-form" hx-post={`${base}/rename`} hx-target="#pane">
              <label class="field">
                <span>{t("group.rename")}</span>
                <input name="title" value={c.title} required maxlength={200} />
              </label>
              <button type="submit" class="primary">{t("group.rename")}</button>
            </form>
            {props.candidates.length > 0
              ? (
                <form class="stack add-members-form" hx-post={`${base}/members`} hx-target="#pane">
                  <fieldset class="member-picker">
                    <legend>{t("group.add_members")}</legend>
                    {props.candidates.map((p) => (
                      <label class="check">
                        <input type="checkbox" name="user_ids" value={p.id} /> {p.name}
                      </label>
                    ))}
                  </fieldset>
                  <button type="submit" class="primary">{t("group.add")}</button>
                </form>
              )
              : <p class="empty-note">{t("group.everyone_in")}</p>}
          </>
        )
        : null}
      {props.canLeave
        ? (
          <button
            type="button"
            class="danger leave-button"
            hx-post={`${base}/leave`}
            hx-confirm={t("group.leave_confirm")}
          >
            {t("group.leave")}
          </button>
        )
        : null}
    </div>
  );
}
