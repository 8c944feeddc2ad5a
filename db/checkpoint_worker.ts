/**
 * Runs in a worker thread beside the server and keeps the WAL's fsyncs and checkpoints off
 * the server's thread, where every statement runs synchronously: an fsync there stalls
 * every request and stream of the process for as long as the disk takes.
 *
 * - Durability: every tick that finds new commits fsyncs the WAL, so with
 *   `synchronous = NORMAL` a commit is on disk within a tick, as a checkpoint per tick
 *   would make it, but without copying pages.
 * - Checkpoints copy the WAL back into the database file (PASSIVE: never waiting for
 *   readers or writers) only once it holds `checkpointFrames` frames not yet copied, or
 *   when writes have paused.
 * - Restarts: a WAL is only rewritten from its start once it was copied back completely,
 *   and under steady writes a passive checkpoint never gets there (commits arrive while it
 *   fsyncs), so the WAL would grow until the server's own backstop checkpoint ran on its
 *   thread, fsyncs included, stalling everything else. So when a passive
 *   checkpoint leaves frames behind, the worker asks the server to hold its writes
 *   (`"hold"`): the server's writes queue in its write gate without blocking its thread,
 *   and once it answers `"held"` the worker copies the remainder with a RESTART
 *   checkpoint, restarts the WAL itself (below) and says `"released"`. The hold lasts as
 *   long as copying the frames written during the passive checkpoint and three fsyncs.
 * - Restarting: a WAL copied back completely is written over from its start by the next
 *   write, which must first fsync the WAL's new header (with `synchronous = NORMAL` too);
 *   if that write were the server's, the fsync would stall its thread, and a commit under
 *   way would hold the write gate for as long as the disk takes. So whenever a checkpoint
 *   copied everything (a catch-up, or the one after writes paused), the worker restarts
 *   the WAL with a write of its own (setting `user_version` to the value it has) while the
 *   server holds its writes, and the header's fsync happens on this thread. A WAL holding
 *   only that write is left alone until the server writes again, and then read ahead anew.
 * - Warming: a restarted WAL is written over its old frames, written a while ago. The OS
 *   may have dropped those pages from its cache by then (under memory pressure, or a host
 *   that reclaims pages nobody touched for a minute), and a frame, which never fills a
 *   page exactly, cannot overwrite a page that is not in memory without reading it from
 *   disk first, several pages per commit, on the server's thread. So each tick reads the part of the WAL the next commits will
 *   overwrite (`WARM_FRAMES` frames past the last one, what was not read yet) into the
 *   cache; commits then find their pages there.
 *
 * How many frames the WAL holds and how many were copied is read from the WAL-index header
 * in the `-shm` file (the transaction counter `iChange` at byte 8, `mxFrame` at 16 and
 * `nBackfill` at 96, in native byte order; see SQLite's "WAL-mode File Format"), which costs
 * one small read per tick.
 *
 * Messages in: `{ path, intervalMs, checkpointFrames?, encryptionKey? }` to start, `"held"`
 * when the server holds its writes, `"stop"` to checkpoint once more and close.
 * Messages out: `"hold"`, `"released"`, `"stopped"`.
 */
import Database from "libsql";

interface Start {
  path: string;
  intervalMs: number;
  /** Frames not yet copied back that start a checkpoint (default `CHECKPOINT_FRAMES`). */
  checkpointFrames?: number;
  /** The key of an encrypted file, as the server opened it. */
  encryptionKey?: string;
}

/** By default a checkpoint runs once the WAL holds this many frames (pages) not yet copied back: about 64 MB. */
const CHECKPOINT_FRAMES = 16_000;
/** ...or once this many ticks passed without a commit while frames wait. */
const IDLE_TICKS = 5;
/** Frames past the WAL's last one that each tick makes sure are in the OS's cache: about 8 MB. */
const WARM_FRAMES = 2_048;
/** The WAL's header, then frames of a header and a page. */
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** How long the RESTART checkpoint waits for the server's readers to leave the WAL (ms). */
const READERS_WAIT_MS = 100;

/** This thread's side of the worker channel. */
const port = self as unknown as {
  onmessage: ((e: MessageEvent<Start | "held" | "stop">) => void) | null;
  postMessage(message: unknown): void;
};

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let db:
  | { pragma(sql: string, options?: { simple?: boolean }): unknown; exec(sql: string): void; close(): void }
  | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let paths = { wal: "", shm: "" };
/** The WAL-index's transaction counter when the WAL was last synced. */
let synced = -1;
let idle = 0;
let checkpointFrames = CHECKPOINT_FRAMES;
/** True from asking the server to hold its writes until the catch-up is done. */
let holding = false;
/** After a catch-up that readers kept from finishing: the WAL size the next hold waits for. */
let nextHoldAt = 0;
/** The WAL as the worker's own restart left it (its salt and frames), until the server writes. */
let ownRestart: { salt: number; frames: number } | null = null;
/** The WAL's salt (new at each restart) and how far into the file it was read since. */
let warmed = { salt: -1, to: 0 };
const warmBuffer = new Uint8Array(256 * 1024);

interface WalState {
  commits: number;
  frames: number;
  copied: number;
  pageSize: number;
  salt: number;
}

/**
 * The WAL-index's transaction counter, `mxFrame`, `nBackfill`, page size and first salt, or
 * null before the WAL exists.
 */
function walState(): WalState | null {
  let file: Deno.FsFile | null = null;
  try {
    file = Deno.openSync(paths.shm, { read: true });
    const header = new Uint8Array(100);
    if ((file.readSync(header) ?? 0) < header.length) return null;
    const view = new DataView(header.buffer);
    return {
      commits: view.getUint32(8, LITTLE_ENDIAN),
      frames: view.getUint32(16, LITTLE_ENDIAN),
      copied: view.getUint32(96, LITTLE_ENDIAN),
      // stored as 1 for 65,536
      pageSize: view.getUint16(14, LITTLE_ENDIAN) === 1 ? 65_536 : view.getUint16(14, LITTLE_ENDIAN),
      salt: view.getUint32(32, LITTLE_ENDIAN),
    };
  } catch {
    return null;
  } finally {
    file?.close();
  }
}

function syncWal() {
  const file = Deno.openSync(paths.wal, { read: true, write: true });
  try {
    file.syncDataSync();
  } finally {
    file.close();
  }
}

/** Reads the part of the WAL file the next commits will overwrite, so its pages are in the OS's cache. */
function warmAhead(wal: WalState) {
  if (wal.pageSize === 0) return;
  if (wal.salt !== warmed.salt) warmed = { salt: wal.salt, to: 0 };
  const frameBytes = FRAME_HEADER_BYTES + wal.pageSize;
  const from = Math.max(warmed.to, WAL_HEADER_BYTES + wal.frames * frameBytes);
  const to = WAL_HEADER_BYTES + (wal.frames + WARM_FRAMES) * frameBytes;
  if (from >= to) return;
  const file = Deno.openSync(paths.wal, { read: true });
  try {
    // past the end of the file, commits append, which reads nothing
    const end = Math.min(to, file.statSync().size);
    file.seekSync(from, Deno.SeekMode.Start);
    for (let at = from; at < end;) {
      const n = file.readSync(warmBuffer.subarray(0, Math.min(warmBuffer.length, end - at)));
      if (!n) break;
      at += n;
    }
  } finally {
    file.close();
  }
  warmed.to = to;
}

/** Runs a checkpoint; false if it failed or was kept from finishing (SQLite's `busy`). */
function checkpoint(mode: "PASSIVE" | "RESTART"): boolean {
  try {
    const [result] = (db?.pragma(`wal_checkpoint(${mode})`) ?? []) as { busy: number }[];
    return result?.busy === 0;
  } catch (e) {
    // a busy or failed checkpoint is retried at the next tick; the backstop in the server covers a long outage
    console.error(JSON.stringify({ level: "warn", msg: "background checkpoint failed", error: String(e) }));
    return false;
  }
}

/**
 * Restarts a WAL that was copied back completely with a write of the worker's own, so the
 * new header's fsync happens on this thread (only while the server holds its writes: beside
 * them this write would make a server commit wait in SQLite's busy handler, on its thread).
 * If a reader still uses the old frames SQLite appends instead, and the server restarts the
 * WAL later as it would have anyway.
 */
function restartWal() {
  if (!db) return;
  try {
    const version = Number(db.pragma("user_version", { simple: true }));
    db.exec("BEGIN IMMEDIATE");
    try {
      db.pragma(`user_version = ${version | 0}`);
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    const wal = walState();
    ownRestart = wal ? { salt: wal.salt, frames: wal.frames } : null;
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", msg: "background WAL restart failed", error: String(e) }));
  }
}

/** Copies what the passive checkpoint left behind while the server holds its writes, and restarts the WAL. */
function catchUp() {
  try {
    // a reader (another process) kept it from finishing: holding writes again before
    // another batch of frames has come would only delay them for nothing
    if (!checkpoint("RESTART")) nextHoldAt = (walState()?.frames ?? 0) + checkpointFrames;
    else {
      nextHoldAt = 0;
      restartWal();
    }
  } finally {
    holding = false;
    port.postMessage("released");
  }
}

function tick() {
  if (holding) return;
  const wal = walState();
  if (!wal) return;
  try {
    if (wal.commits !== synced) {
      if (wal.frames > wal.copied) syncWal();
      synced = wal.commits;
      idle = 0;
    } else idle++;
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", msg: "background WAL sync failed", error: String(e) }));
  }
  // the server wrote to the WAL the worker restarted, which may have waited long enough for
  // the pages read ahead to leave the cache: read them again
  if (ownRestart && (wal.salt !== ownRestart.salt || wal.frames !== ownRestart.frames)) {
    ownRestart = null;
    warmed.to = 0;
  }
  try {
    warmAhead(wal);
  } catch {
    // a WAL not there (yet, or any more) has nothing to warm
  }
  const waiting = wal.frames - wal.copied;
  const heavy = waiting >= checkpointFrames;
  if (!heavy && (waiting === 0 || idle < IDLE_TICKS)) return;
  // the worker's own restart, with nothing of the server's after it: copying it back would
  // only make the next commit restart the WAL again
  if (ownRestart) return;
  checkpoint("PASSIVE");
  const after = walState();
  if (!after || after.frames === 0) return;
  // everything copied: restart the WAL here under a hold; without writes (the idle case) a
  // passive checkpoint is only stopped by readers, which a hold does not help
  const copiedAll = after.frames === after.copied;
  if (copiedAll || (heavy && after.frames >= nextHoldAt)) {
    holding = true;
    port.postMessage("hold");
  }
}

port.onmessage = (e) => {
  if (e.data === "held") return catchUp();
  if (e.data === "stop") {
    if (timer !== null) clearInterval(timer);
    checkpoint("PASSIVE");
    db?.close();
    db = null;
    port.postMessage("stopped");
    return;
  }
  // the package's types do not list the key, which its constructor does take
  const options: Database.Options & { encryptionKey?: string } = { encryptionKey: e.data.encryptionKey };
  db = new Database(e.data.path, options);
  db.pragma(`busy_timeout = ${READERS_WAIT_MS}`);
  // as the server's connections: its own write (the restart) is synced by the next tick;
  // checkpoints sync the WAL and the database file alike with NORMAL and FULL
  db.pragma("synchronous = NORMAL");
  checkpointFrames = e.data.checkpointFrames ?? CHECKPOINT_FRAMES;
  paths = { wal: `${e.data.path}-wal`, shm: `${e.data.path}-shm` };
  timer = setInterval(tick, e.data.intervalMs);
};
