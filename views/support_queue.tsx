import type { SupportQueueEntry } from "../chat/support/queue_object.ts";
import type { Translator } from "../i18n/mod.ts";

/** One waiting support conversation in the agents' queue, with its Claim button (a plain form: it lands on the chat). */
export function SupportQueueRow({ entry, t }: { entry: SupportQueueEntry; t: Translator }) {
  return (
    <li id={`support-${entry.id}`} class="support-row" data-waiting-since={entry.waiting_since ?? ""}>
      <span class="support-requester">{entry.requester.name}</span>
      <time datetime={entry.waiting_since ?? ""}>{entry.waiting_since ?? ""}</time>
      <form method="post" action={`/ui/support/${entry.id}/claim`} class="support-claim">
        <button type="submit">{t("support.claim")}</button>
      </form>
    </li>
  );
}

/** The agents' Support view: the waiting conversations, oldest first, kept live by the page's stream. */
export function SupportQueue({ entries, t }: { entries: SupportQueueEntry[]; t: Translator }) {
  return (
    <section class="support-view" aria-labelledby="support-title">
      <h2 id="support-title">{t("support.title")}</h2>
      <ul id="support-queue" aria-live="polite">{entries.map((entry) => <SupportQueueRow entry={entry} t={t} />)}</ul>
    </section>
  );
}

/**
 * The top bar's support actions: everyone can contact support; members and admins also get
 * the Support view with the queue.
 */
export function SupportLinks({ role, t }: { role: string; t: Translator }) {
  return (
    <>
      {role === "guest" ? null : <a href="/support" class="support-link">{t("support.title")}</a>}
      <form method="post" action="/ui/support/open" class="support-open">
        <button type="submit" class="link-button">{t("support.contact")}</button>
      </form>
    </>
  );
}
