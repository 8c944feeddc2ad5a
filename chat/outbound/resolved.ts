import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { checkOutboundUrl, isPrivateAddress, OutboundAddressError } from "./address.ts";

/**
 * Checks an outbound URL as `checkOutboundUrl` does and, for a host name, resolves it and
 * refuses it when any address it resolves to may not be called. Used where a URL is
 * accepted (so a bad one is refused at once); the connection checks again as it is made,
 * since what a name resolves to can change.
 * @param url the URL
 * @param allowPrivate WEBHOOKS_ALLOW_PRIVATE
 */
export async function checkResolvedUrl(url: string, allowPrivate: boolean): Promise<URL> {
  const parsed = checkOutboundUrl(url, allowPrivate);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (allowPrivate || isIP(host)) return parsed;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new OutboundAddressError(`Host ${host} does not resolve`);
  }
  const refused = addresses.find((a) => isPrivateAddress(a.address));
  if (refused || addresses.length === 0) {
    throw new OutboundAddressError(
      `Host ${host} resolves to private address ${
        refused?.address ?? "none"
      } (set WEBHOOKS_ALLOW_PRIVATE=true to allow it)`,
    );
  }
  return parsed;
}
