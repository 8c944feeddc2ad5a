import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's minimum (19 MiB, t=2); runs on libuv's thread pool, so
// hashing never blocks the event loop (and with it every open stream).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(
  stored: string,
  password: string,
): Promise<boolean> {
  try {
    return await verify(stored, password);
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
