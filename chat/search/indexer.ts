import type { Db } from "../../db/client.ts";
import { hasUnindexedMessages, indexNewMessages } from "../../db/search.ts";

/** How long after a send the new messages are indexed: sends arriving meanwhile share the batch. */
const INDEX_DELAY_MS = 250;
/**
 * Rowids indexed per write batch. A batch runs on the server's thread and holds the writer,
 * so it is kept small, and the indexer yields to requests and streams between batches: a
 * backlog (messages imported in bulk) is worked off without starving sends.
 */
const BATCH_ROWS = 500;

interface IndexerState {
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<void> | null;
}

const states = new WeakMap<Db, IndexerState>();

function stateOf(db: Db): IndexerState {
  let state = states.get(db);
  if (!state) states.set(db, state = { timer: null, running: null });
  return state;
}

/**
 * Indexes new messages for search soon, off the send: one batch for every message sent in
 * the next INDEX_DELAY_MS, so a send costs no more with search than without it.
 * @param db the database the messages were written to
 */
export function scheduleIndexing(db: Db): void {
  const state = stateOf(db);
  if (state.timer !== null) return;
  const timer = setTimeout(() => {
    state.timer = null;
    indexNow(db).catch((e) => {
      // a database closing under a pending batch: whatever is left is indexed at the next start
      if (!String(e).includes("closing")) {
        console.error(JSON.stringify({ level: "error", msg: "search indexing", error: String(e) }));
      }
    });
  }, INDEX_DELAY_MS);
  state.timer = timer;
  Deno.unrefTimer(timer as unknown as number);
}

/**
 * Brings the search index up to date with every stored message; a search calls it first, so
 * it always sees what was sent before it. Runs of it share one pass.
 * @param db the database
 */
export function indexNow(db: Db): Promise<void> {
  const state = stateOf(db);
  state.running ??= (async () => {
    try {
      if (!await hasUnindexedMessages(db)) return;
      while (await indexNewMessages(db, BATCH_ROWS)) {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      state.running = null;
    }
  })();
  return state.running;
}
