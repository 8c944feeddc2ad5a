import type { ParticipantObject } from "../chat/objects.ts";
import type { Translator } from "../i18n/mod.ts";

/**
 * The composer's `@` suggestions, the first one chosen; hidden when nobody matches. The page
 * script fetches it as the viewer types after an `@` and picks with the keyboard or a click;
 * `data-q` says which text it answers.
 */
export function MentionMenu(
  props: { conversationId: string; query?: string; people: ParticipantObject[]; t: Translator },
) {
  const id = `mention-menu-${props.conversationId}`;
  return (
    <ul
      id={id}
      class="mention-menu"
      role="listbox"
      data-q={props.query}
      // typing quickly asks again before an answer came: the newest question waits and runs,
      // where htmx's default would drop it behind the first one
      hx-sync="queue last"
      aria-label={props.t("ui.mention_suggestions")}
      hidden={props.people.length === 0}
    >
      {props.people.map((p, i) => (
        <li
          id={`${id}-${p.id}`}
          class="mention-option"
          role="option"
          aria-selected={i === 0 ? "true" : "false"}
          data-username={p.username}
        >
          <span class="mention-name">{p.name}</span> <span class="mention-username">@{p.username}</span>
        </li>
      ))}
    </ul>
  );
}
