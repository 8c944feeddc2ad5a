/**
 * Runs in a worker thread beside the server: copies the WAL back into the database file
 * every few hundred milliseconds. A checkpoint writes pages to the database file and
 * fsyncs it, which takes milliseconds on slow disks; run inside a commit on the server's
 * own thread (SQLite's automatic checkpoint), that stall lands on whichever request
 * happened to commit. PASSIVE never waits for readers or writers, and writers keep
 * appending to the WAL meanwhile.
 *
 * Messages in: `{ path, intervalMs, encryptionKey? }` to start, `"stop"` to checkpoint once more and close.
 * Messages out: `"stopped"`.
 */
import Database from "libsql";

interface Start {
  path: string;
  intervalMs: number;
  /** The key of an encrypted file, as the server opened it. */
  encryptionKey?: string;
}

/** This thread's side of the worker channel. */
const port = self as unknown as {
  onmessage: ((e: MessageEvent<Start | "stop">) => void) | null;
  postMessage(message: unknown): void;
};

let db: { pragma(sql: string): unknown; close(): void } | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

function checkpoint() {
  try {
    db?.pragma("wal_checkpoint(PASSIVE)");
  } catch (e) {
    // a busy or failed checkpoint is retried at the next tick; the backstop in the server covers a long outage
    console.error(JSON.stringify({ level: "warn", msg: "background checkpoint failed", error: String(e) }));
  }
}

port.onmessage = (e) => {
  if (e.data === "stop") {
    if (timer !== null) clearInterval(timer);
    checkpoint();
    db?.close();
    db = null;
    port.postMessage("stopped");
    return;
  }
  // the package's types do not list the key, which its constructor does take
  const options: Database.Options & { encryptionKey?: string } = { encryptionKey: e.data.encryptionKey };
  db = new Database(e.data.path, options);
  timer = setInterval(checkpoint, e.data.intervalMs);
};
