// Apart from the signing and verifying in auth.ts, so a process can derive its keys at start
// without loading the JWT library.

/** Signing key with a key id, so keys can be rotated: tokens name the key they were signed with. */
export interface SessionKeys {
  current: { kid: string; secret: CryptoKey };
  previous?: { kid: string; secret: CryptoKey }[];
}

/**
 * Derives session keys from the configured secret. The key id is a digest prefix, so
 * changing the secret changes the kid and old tokens fail cleanly.
 */
export async function sessionKeysFrom(secret: string): Promise<SessionKeys> {
  const bytes = new TextEncoder().encode(secret);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const kid = Array.from(
    digest.slice(0, 6),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  // imported once: jose would otherwise import raw key bytes again on every verification
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  return { current: { kid, secret: key } };
}
