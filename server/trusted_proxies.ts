import { BlockList, isIP } from "node:net";

/** One configured proxy address or range. */
export interface TrustedRange {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** `::ffff:1.2.3.4`, as a dual-stack socket reports an IPv4 peer, is `1.2.3.4`. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4 ? lower.slice(7) : address;
}

/**
 * Parses `TRUSTED_PROXIES`: IP addresses and CIDR ranges separated by commas
 * (`127.0.0.1,10.0.0.0/8,::1`). Null when any entry is not one.
 * @param value the setting
 */
export function parseTrustedProxies(value: string): TrustedRange[] | null {
  const ranges: TrustedRange[] = [];
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [address, prefixText, extra] = entry.split("/");
    const version = isIP(address);
    if (version === 0 || extra !== undefined) return null;
    if (prefixText !== undefined && !/^\d+$/.test(prefixText)) return null;
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefix > max) return null;
    ranges.push({ address, prefix, family: version === 4 ? "ipv4" : "ipv6" });
  }
  return ranges.length > 0 ? ranges : null;
}

/**
 * Which peers are this deployment's reverse proxies, and so whose `X-Forwarded-For` is
 * believed. Without any, the client is the connection's peer and forwarding headers are
 * ignored, since anyone can send them.
 */
export class TrustedProxies {
  readonly #list = new BlockList();

  constructor(ranges: readonly TrustedRange[]) {
    for (const r of ranges) this.#list.addSubnet(r.address, r.prefix, r.family);
  }

  /**
   * True when the address belongs to a trusted proxy.
   * @param address an IP address
   */
  trusts(address: string): boolean {
    const plain = unmapped(address);
    const version = isIP(plain);
    return version !== 0 && this.#list.check(plain, version === 4 ? "ipv4" : "ipv6");
  }

  /**
   * The client's address: the peer, unless the peer is a trusted proxy; then the nearest
   * address in `X-Forwarded-For` (read from the right, as each proxy appends the address it
   * got the request from) that is not itself a trusted proxy. Entries further left were
   * written by the client and are not believed; a malformed entry stops the walk at the
   * proxy that passed it on.
   * @param peer the connection's remote address
   * @param forwardedFor the `X-Forwarded-For` header, if any
   */
  clientAddress(peer: string, forwardedFor: string | undefined): string {
    let client = unmapped(peer);
    if (!forwardedFor || !this.trusts(client)) return client;
    const hops = forwardedFor.split(",").map((s) => unmapped(s.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) return client;
      client = hops[i];
      if (!this.trusts(client)) return client;
    }
    return client;
  }
}
