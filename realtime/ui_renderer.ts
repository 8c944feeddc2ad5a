import type { ChatEvent } from "../chat/events.ts";
import type { TenantScope } from "../chat/tenancy.ts";
import type { Locale } from "../i18n/mod.ts";
import { renderUiEvent } from "../views/events/mod.ts";
import { encodeFrame } from "./sse_frame.ts";
import type { FrameRenderer } from "./subscriber.ts";
import { uiEventVariant } from "./ui_variant.ts";

const uiFrames = new WeakMap<ChatEvent, Map<string, Uint8Array | null>>();

/**
 * Renders events as htmx fragments for one viewer. Viewers with the same variant key share
 * the bytes, which are rendered and encoded once per event and key.
 * @param scope the viewer's tenant scope
 * @param locale the viewer's language
 */
export function uiRenderer(scope: TenantScope, locale: Locale): FrameRenderer {
  return async (event) => {
    const variant = await uiEventVariant(scope, locale, event);
    let frames = uiFrames.get(event);
    if (!frames) uiFrames.set(event, frames = new Map());
    if (!frames.has(variant.key)) {
      const html = renderUiEvent(event, variant);
      // htmx swaps only unnamed messages, so fragments carry no `event:` line
      frames.set(variant.key, html ? encodeFrame({ id: event.id || undefined, data: html }) : null);
    }
    return frames.get(variant.key)!;
  };
}

/**
 * The fragments of `events` for one viewer, one after the other: what the long-poll
 * fallback of the htmx stream answers.
 * @param scope the viewer's tenant scope
 * @param locale the viewer's language
 * @param events the events, oldest first
 */
export async function renderUiEvents(scope: TenantScope, locale: Locale, events: ChatEvent[]): Promise<string> {
  const parts: string[] = [];
  for (const event of events) parts.push(renderUiEvent(event, await uiEventVariant(scope, locale, event)));
  return parts.join("");
}
