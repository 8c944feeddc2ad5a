import type { Translator } from "../i18n/mod.ts";
import type { PersonView } from "./people_list.tsx";

/** Forms that start a group or join a channel; a direct chat starts from the people list. */
export function NewConversationForms(
  props: {
    people: PersonView[];
    channels: { id: string; title: string }[];
    viewerId: string;
    assistant?: boolean;
    t: Translator;
  },
) {
  const t = props.t;
  const others = props.people.filter((p) => p.id !== props.viewerId);
  return (
    <div class="new-conversation">
      {props.assistant
        ? (
          <button type="button" class="link-button ask-assistant" hx-post="/ui/assistant" hx-target="#pane">
            {t("ui.ask_assistant")}
          </button>
        )
        : null}
      <NewGroupForm people={others} t={t} />
      {/* there even when empty (the stylesheet hides it then): new channels are pushed into it */}
      <details class="join-channel">
        <summary class="link-button">{t("ui.join_channel")}</summary>
        <ul class="channel-list">
          {props.channels.map((ch) => <ChannelJoinItem channel={ch} />)}
        </ul>
      </details>
    </div>
  );
}

/** A channel the viewer may join; the page and the push of a new channel share it. */
export function ChannelJoinItem(props: { channel: { id: string; title: string } }) {
  const ch = props.channel;
  return (
    <li id={`join-${ch.id}`}>
      <button type="button" class="link-button" hx-post={`/ui/conversations/${ch.id}/join`} hx-target="#pane">
        # {ch.title}
      </button>
    </li>
  );
}

/**
 * The "New group" form, closed and empty: also sent after a group is created, so the form
 * starts over instead of keeping the last group's title and members.
 */
export function NewGroupForm(props: { people: PersonView[]; t: Translator }) {
  const t = props.t;
  const others = props.people;
  return (
    <details class="new-group" id="new-group">
      <summary class="link-button">{t("ui.new_group")}</summary>
      <form class="stack" hx-post="/ui/groups" hx-target="#pane">
        <label class="field">
          <span>{t("ui.group_title")}</span>
          <input name="title" required maxlength={100} />
        </label>
        <fieldset class="member-picker">
          <legend>{t("ui.members")}</legend>
          {others.map((p) => (
            <label class="check">
              <input type="checkbox" name="participant_ids" value={p.id} /> {p.name}
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input type="checkbox" name="kind" value="channel" /> {t("ui.make_channel")}
        </label>
        <button type="submit" class="primary">{t("ui.create")}</button>
      </form>
    </details>
  );
}
