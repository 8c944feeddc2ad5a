/** How often the background thread checkpoints the WAL. */
const INTERVAL_MS = 200;
/** The longest the server holds its writes for the checkpointer, should it not answer. */
const HOLD_LIMIT_MS = 2_000;

/** A worker thread that checkpoints one database file's WAL in the background. */
export interface Checkpointer {
  /** Checkpoints once more and ends the thread. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The key of an encrypted file (it stays in this process). */
  encryptionKey?: string;
  /** How often to look at the WAL. */
  intervalMs?: number;
  /** Frames waiting to be copied back that start a checkpoint. */
  checkpointFrames?: number;
  /**
   * Runs `fn` while this process's writes wait (in the write gate, without blocking the
   * thread); the checkpointer uses it to finish a checkpoint that steady writes keep from
   * completing (see `checkpoint_worker.ts`).
   */
  holdWrites: (fn: () => Promise<void>) => Promise<void>;
  /**
   * Starts the thread this much later: a server starting up has nothing to checkpoint yet
   * and answers sooner without a second thread loading the database module beside it.
   */
  delayMs?: number;
}

/**
 * Starts checkpointing the WAL of a local database file on a thread of its own, so the
 * server's commits never pay for copying pages and fsyncing the file.
 * @param path the database file
 * @param options see `CheckpointerOptions`
 */
export function startCheckpointer(path: string, options: CheckpointerOptions): Checkpointer {
  if (!options.delayMs) return spawnCheckpointer(path, options);
  let started: Checkpointer | null = null;
  let stopped = false;
  const timer = setTimeout(() => {
    if (!stopped) started = spawnCheckpointer(path, options);
  }, options.delayMs);
  Deno.unrefTimer(timer);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      return started?.stop() ?? Promise.resolve();
    },
  };
}

function spawnCheckpointer(path: string, options: CheckpointerOptions): Checkpointer {
  const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url), { type: "module" });
  let released: (() => void) | null = null;
  let stoppedByWorker: (() => void) | null = null;
  worker.onmessage = (e: MessageEvent<"hold" | "released" | "stopped">) => {
    if (e.data === "hold") {
      options.holdWrites(() =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, HOLD_LIMIT_MS);
          released = () => {
            clearTimeout(timer);
            resolve();
          };
          worker.postMessage("held");
        })
      );
    } else if (e.data === "released") {
      released?.();
      released = null;
    } else stoppedByWorker?.();
  };
  worker.postMessage({
    path,
    intervalMs: options.intervalMs ?? INTERVAL_MS,
    checkpointFrames: options.checkpointFrames,
    encryptionKey: options.encryptionKey,
  });
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(done, 2_000);
        function done() {
          clearTimeout(timer);
          released?.();
          worker.terminate();
          resolve();
        }
        stoppedByWorker = done;
        worker.onerror = done;
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
