import type { ChatEvent } from "../chat/events.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import type { Locale } from "../i18n/mod.ts";

/**
 * What one viewer's copy of a pushed fragment depends on. Viewers whose variants have the
 * same `key` receive byte-identical HTML, so the stream renders once per key, not once per
 * recipient.
 */
export interface UiVariant {
  key: string;
  locale: Locale;
  viewerId: string;
}

/**
 * Loads the per-viewer facts a fragment needs (locale, whether the viewer is the actor)
 * and names the variant. Call once per subscriber; render once per distinct key.
 * @param scope the subscriber's scope
 * @param locale the subscriber's interface language
 * @param event the event being pushed
 */
export function uiEventVariant(
  scope: TenantScope,
  locale: Locale,
  event: ChatEvent,
): Promise<UiVariant> {
  const self = event.type === "typing" && event.data.user_id === scope.userId;
  return Promise.resolve({
    key: `${locale}|${self ? "self" : "other"}`,
    locale,
    viewerId: scope.userId,
  });
}

/**
 * Renders an event as the HTML of one unnamed SSE message for htmx: out-of-band partials
 * that update every part of the page showing it. Empty string means "send nothing".
 * @param event the event
 * @param variant from `uiEventVariant`
 */
export function renderUiEvent(event: ChatEvent, variant: UiVariant): string {
  void event;
  void variant;
  return "";
}
