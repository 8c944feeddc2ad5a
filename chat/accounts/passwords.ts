// argon2id with OWASP's minimum (19 MiB, t=2); runs on libuv's thread pool, so
// hashing never blocks the event loop (and with it every open stream).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

// PBKDF2-SHA256 at OWASP's 600,000 iterations, through WebCrypto, for runtimes that cannot
// load native modules (edge runtimes); stored as `$pbkdf2-sha256$i=N$salt$hash` (base64).
const PBKDF2_PREFIX = "$pbkdf2-sha256$";
const PBKDF2_ITERATIONS = 600_000;

/** How new passwords are hashed: argon2id (native), or PBKDF2 where no native module loads. */
export type PasswordHashing = "argon2id" | "pbkdf2";
let hashing: PasswordHashing = "argon2id";

/**
 * Chooses how new passwords are hashed for this process; stored hashes of either kind keep
 * verifying (an argon2 hash needs the native module).
 * @param kind `argon2id` (the default) or `pbkdf2`
 */
export function usePasswordHashing(kind: PasswordHashing): void {
  hashing = kind;
}

// loaded on first use: start-up does not hash passwords
let argon2: Promise<typeof import("@node-rs/argon2")> | undefined;
function loadArgon2() {
  return argon2 ??= import("@node-rs/argon2");
}

/** Hashes a password with argon2id (or PBKDF2, see `usePasswordHashing`). */
export async function hashPassword(password: string): Promise<string> {
  if (hashing === "pbkdf2") return await pbkdf2Hash(password);
  return (await loadArgon2()).hash(password, OPTIONS);
}

/** Checks a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(
  stored: string,
  password: string,
): Promise<boolean> {
  try {
    if (stored.startsWith(PBKDF2_PREFIX)) return await pbkdf2Verify(stored, password);
    return await (await loadArgon2()).verify(stored, password);
  } catch {
    return false;
  }
}

// A fixed hash to verify against when the account does not exist, so a login for an
// unknown email costs the same time as one with a wrong password.
let dummy: Promise<string> | undefined;
/** Spends one verification's worth of time without an account. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await dummy, password);
  return false;
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unbase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

async function pbkdf2Hash(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `${PBKDF2_PREFIX}i=${PBKDF2_ITERATIONS}$${base64(salt)}$${base64(hash)}`;
}

async function pbkdf2Verify(stored: string, password: string): Promise<boolean> {
  const [iterations, salt, expected] = stored.slice(PBKDF2_PREFIX.length).split("$");
  const rounds = Number(iterations?.slice(2));
  if (!iterations?.startsWith("i=") || !Number.isInteger(rounds) || rounds < 1 || !salt || !expected) return false;
  const actual = await pbkdf2(password, unbase64(salt), rounds);
  const wanted = unbase64(expected);
  // constant time: every byte is compared whatever the first difference
  let diff = actual.length ^ wanted.length;
  for (let i = 0; i < Math.min(actual.length, wanted.length); i++) diff |= actual[i] ^ wanted[i];
  return diff === 0;
}
