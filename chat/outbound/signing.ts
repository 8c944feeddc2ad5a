/**
 * Signs an outbound request body so the receiver can tell it came from this server and was
 * not replayed later: HMAC-SHA256 over `<timestamp>.<body>` with a secret shared with the
 * receiver, sent as `X-Parley-Signature: sha256=<hex>` beside `X-Parley-Timestamp` (Unix
 * seconds). Entity resolvers and webhooks are signed the same way.
 * @param secret the shared secret
 * @param body the exact bytes sent, as text
 * @param nowMs the time of sending, in milliseconds
 */
export async function signatureHeaders(secret: string, body: string, nowMs: number): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const hex = await hmacHex(secret, `${timestamp}.${body}`);
  return { "x-parley-timestamp": timestamp, "x-parley-signature": `sha256=${hex}` };
}

/**
 * The `Parley-Signature` header of a webhook delivery: `t=<Unix seconds>,v1=<hex>`, where
 * the hex is HMAC-SHA256 keyed with the secret's UTF-8 bytes over `<t>.<body>`. The time is
 * signed with the body so a receiver can refuse old deliveries replayed later.
 * @param secret the webhook's secret
 * @param body the exact body sent
 * @param nowMs the time of sending, in milliseconds
 */
export async function parleySignature(secret: string, body: string, nowMs: number): Promise<string> {
  const t = String(Math.floor(nowMs / 1000));
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/** HMAC-SHA256 of a text, keyed with the secret's UTF-8 bytes, as lowercase hex. */
async function hmacHex(secret: string, text: string): Promise<string> {
  const encode = (s: string) => new TextEncoder().encode(s);
  const key = await crypto.subtle.importKey("raw", encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}
