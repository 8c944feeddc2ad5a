let lastMs = 0;
let seq = 0;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
// random bytes are drawn a page at a time: one call into the runtime per 256 ids, not per id
const pool = new Uint8Array(4096);
let poolAt = pool.length;

/**
 * A UUIDv7: 48-bit millisecond time, then a 12-bit counter so ids made in the same
 * millisecond by this process still sort in creation order, then random bits.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    seq++;
    if (seq > 0xfff) {
      lastMs++;
      seq = 0;
    }
  } else {
    lastMs = now;
    seq = 0;
  }
  if (poolAt + 16 > pool.length) crypto.getRandomValues(pool), poolAt = 0;
  const bytes = pool.subarray(poolAt, poolAt += 16);
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((seq >>> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = (from: number, to: number) => {
    let out = "";
    for (let i = from; i < to; i++) out += HEX[bytes[i]];
    return out;
  };
  return `${h(0, 4)}-${h(4, 6)}-${h(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a well-formed lowercase UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
