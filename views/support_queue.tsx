import type { SupportQueueEntry } from "../chat/support/queue_object.ts";
import type { Translator } from "../i18n/mod.ts";

/** One waiting support conversation in the agents' queue, with its Claim button. */
export function SupportQueueRow({ entry, t }: { entry: SupportQueueEntry; t: Translator }) {
  return (
    <li id={`support-${entry.id}`} class="support-row" data-waiting-since={entry.waiting_since ?? ""}>
      <span class="support-requester">{entry.requester.name}</span>
      <time datetime={entry.waiting_since ?? ""}>{entry.waiting_since ?? ""}</time>
      <button
        type="button"
        class="support-claim"
        hx-post={`/ui/support/${entry.id}/claim`}
        hx-target="#pane"
        hx-swap="innerHTML"
      >
        {t("support.claim")}
      </button>
    </li>
  );
}

/** The agents' Support view: the waiting conversations, oldest first, kept live by the page's stream. */
export function SupportQueue({ entries, t }: { entries: SupportQueueEntry[]; t: Translator }) {
  return (
    <section class="support-view" aria-labelledby="support-title">
      <h2 id="support-title">{t("support.title")}</h2>
      <ul id="support-queue">{entries.map((entry) => <SupportQueueRow entry={entry} t={t} />)}</ul>
    </section>
  );
}
