import type { ChatEventData, ChatEventType } from "../../chat/events.ts";
import type { Translator } from "../../i18n/mod.ts";
import type { UiVariant } from "../../realtime/ui_variant.ts";

/** What the fragment of one pushed event type is given: the event's data, the viewer's variant and language. */
export interface FragmentProps<K extends ChatEventType> {
  data: ChatEventData[K];
  variant: UiVariant;
  t: Translator;
}
