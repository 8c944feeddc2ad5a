/** One request a receiver got. */
export interface Received {
  eventId: string | null;
  signature: string | null;
  raw: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * A webhook receiver: a real HTTP server on loopback that records every request and
 * answers with what `answer` returns (200 by default).
 */
export function startReceiver(answer: (r: Received, index: number) => number | Promise<number> = () => 200) {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const raw = await req.text();
    const r: Received = {
      eventId: req.headers.get("parley-event-id"),
      signature: req.headers.get("parley-signature"),
      raw,
      body: JSON.parse(raw),
    };
    received.push(r);
    return new Response("ok", { status: await answer(r, received.length - 1) });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    port: server.addr.port,
    received,
    close: () => server.shutdown(),
  };
}

/**
 * Checks a `Parley-Signature` header as a receiver would: HMAC-SHA256 with the secret over
 * `t + "." + raw body`, compared in constant time by `crypto.subtle.verify`.
 */
export async function verifySignature(secret: string, header: string, rawBody: string): Promise<boolean> {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  if (!/^\d+$/.test(parts.t ?? "") || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = new Uint8Array(parts.v1.match(/../g)!.map((h) => parseInt(h, 16)));
  return await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${parts.t}.${rawBody}`));
}
