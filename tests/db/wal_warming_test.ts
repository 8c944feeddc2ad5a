import assert from "node:assert/strict";
import { openDatabase } from "../../db/client.ts";

/**
 * The OS's page cache, seen through libc: `posix_fadvise(DONTNEED)` drops a file's clean
 * pages (what a host reclaiming idle memory does), `mincore` tells which are in memory.
 */
const libc = Deno.dlopen("libc.so.6", {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  fdatasync: { parameters: ["i32"], result: "i32" },
  posix_fadvise: { parameters: ["i32", "i64", "i64", "i32"], result: "i32" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
});
const O_RDONLY = 0;
const POSIX_FADV_DONTNEED = 4;
const PROT_READ = 1;
const MAP_SHARED = 1;
const PAGE = 4096;

function withFd<T>(path: string, use: (fd: number) => T): T {
  const fd = libc.symbols.open(new TextEncoder().encode(`${path}\0`), O_RDONLY);
  if (fd < 0) throw new Error(`cannot open ${path}`);
  try {
    return use(fd);
  } finally {
    libc.symbols.close(fd);
  }
}

/** Writes the file's dirty pages out and drops all its pages from the cache. */
function evict(path: string) {
  withFd(path, (fd) => {
    libc.symbols.fdatasync(fd);
    libc.symbols.posix_fadvise(fd, 0n, 0n, POSIX_FADV_DONTNEED);
  });
}

/** The share of the pages of bytes [from, to) of the file that are in the page cache. */
function resident(path: string, from: number, to: number): number {
  return withFd(path, (fd) => {
    const start = Math.floor(from / PAGE) * PAGE;
    const length = to - start;
    const map = libc.symbols.mmap(null, BigInt(length), PROT_READ, MAP_SHARED, fd, BigInt(start));
    if (map === null || Deno.UnsafePointer.value(map) === 0xffffffffffffffffn) throw new Error("mmap failed");
    try {
      const pages = new Uint8Array(Math.ceil(length / PAGE));
      if (libc.symbols.mincore(map, BigInt(length), pages) !== 0) throw new Error("mincore failed");
      return pages.filter((p) => (p & 1) === 1).length / pages.length;
    } finally {
      libc.symbols.munmap(map, BigInt(length));
    }
  });
}

/** Whether this machine's temp directory lets a test drop pages from the cache (tmpfs does not). */
async function canEvict(): Promise<boolean> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/probe`, new Uint8Array(64 * PAGE).fill(1));
    evict(`${dir}/probe`);
    return resident(`${dir}/probe`, 0, 64 * PAGE) < 0.5;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The WAL-index header: `mxFrame` and `nBackfill` (native byte order) and the first salt. */
async function walIndex(path: string) {
  const header = (await Deno.readFile(`${path}-shm`)).subarray(0, 100);
  const view = new DataView(header.buffer, header.byteOffset);
  const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  return { frames: view.getUint32(16, little), copied: view.getUint32(96, little), salt: view.getUint32(32, little) };
}

async function until(what: string, done: () => Promise<boolean>) {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

Deno.test({
  name: "a restarted WAL is read into the page cache ahead of the commits that overwrite it",
  ignore: !(await canEvict()),
  async fn() {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/parley.db`;
    const database = await openDatabase(`file:${path}`, { backgroundCheckpoint: true });
    const write = (body: string) =>
      database.client.batch([{ sql: "INSERT INTO notes (body) VALUES (?)", args: [body] }], "write");
    await database.client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    // about 4 MB of WAL
    for (let i = 0; i < 500; i++) await write(`${i} ${"n".repeat(3_000)}`);
    const frameBytes = 24 + PAGE;
    const walBytes = (await Deno.stat(`${path}-wal`)).size;
    assert.ok(walBytes > 400 * frameBytes, `the WAL holds ${walBytes} bytes`);
    // writes paused: the checkpointer copies it all back, restarts it and reads ahead
    const first = await walIndex(path);
    await until("the WAL is restarted", async () => (await walIndex(path)).salt !== first.salt);
    const region = [64 * frameBytes, walBytes] as const;
    await until("the restarted WAL is read ahead", () => Promise.resolve(resident(`${path}-wal`, ...region) > 0.9));
    // a few ticks, so the checkpointer has read this WAL ahead by now
    await new Promise((r) => setTimeout(r, 1_000));
    const before = await walIndex(path);
    // a host reclaiming memory nobody touched for a while
    evict(`${path}-wal`);
    assert.ok(resident(`${path}-wal`, ...region) < 0.1, "the old frames left the cache");

    await write("after the pause");
    const after = await walIndex(path);
    assert.equal(after.salt, before.salt, "the commit wrote to the WAL the checkpointer restarted");
    assert.ok(after.frames < 16, `the restarted WAL holds ${after.frames} frames`);
    // the frames the next commits overwrite come back into the cache within a few ticks, while
    // writes go on (so the WAL is not copied back and restarted again meanwhile)
    let again = 0;
    await until("the frames ahead of the writer are cached", async () => {
      await write(`again ${again++}`);
      return resident(`${path}-wal`, ...region) > 0.9;
    });
    assert.equal((await walIndex(path)).salt, before.salt, "the same WAL all along");
    const count = await database.client.execute("SELECT count(*) AS n FROM notes");
    assert.equal(Number(count.rows[0].n), 501 + again);
    await database.close();
    await Deno.remove(dir, { recursive: true });
  },
});
