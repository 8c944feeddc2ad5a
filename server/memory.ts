/**
 * Gives the C heap's freed pages back to the system once uploads have paused. Every read
 * from a socket gets a fresh buffer from the runtime, so a burst of uploads runs hundreds
 * of megabytes through glibc's malloc; the buffers are freed, but glibc keeps the pages
 * of its heaps, and the process would go on holding about as much as the burst's garbage
 * ever reached. `malloc_trim` releases them. Without glibc or without the FFI permission
 * this does nothing.
 */
const IDLE_MS = 1_000;

let trim: (() => void) | null | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

function loadTrim(): (() => void) | null {
  try {
    // asking first: a missing permission must not prompt on a terminal
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
    return () => void libc.symbols.malloc_trim(0n);
  } catch {
    return null;
  }
}

/** Schedules the release after `IDLE_MS` without another call. */
export function releaseFreedMemorySoon(): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    trim ??= loadTrim();
    trim?.();
  }, IDLE_MS);
  Deno.unrefTimer(timer);
}
