/** How often the background thread checkpoints the WAL. */
const INTERVAL_MS = 200;

/** A worker thread that checkpoints one database file's WAL in the background. */
export interface Checkpointer {
  /** Checkpoints once more and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing the WAL of a local database file on a thread of its own, so the
 * server's commits never pay for copying pages and fsyncing the file.
 * @param path the database file
 * @param options `encryptionKey` for an encrypted file (it stays in this process);
 * `intervalMs`: how often to checkpoint
 */
export function startCheckpointer(
  path: string,
  options: { encryptionKey?: string; intervalMs?: number } = {},
): Checkpointer {
  const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url), { type: "module" });
  worker.postMessage({ path, intervalMs: options.intervalMs ?? INTERVAL_MS, encryptionKey: options.encryptionKey });
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(done, 2_000);
        function done() {
          clearTimeout(timer);
          worker.terminate();
          resolve();
        }
        worker.onmessage = done;
        worker.onerror = done;
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
