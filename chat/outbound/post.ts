import http from "node:http";
import https from "node:https";
import { lookup as dnsLookup } from "node:dns";
import { checkOutboundUrl, isPrivateAddress, OutboundAddressError } from "./address.ts";

/** The most of an answer that is read; the rest is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

type LookupCallback = (
  error: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * Resolves a host name for a connection and refuses it when any of its addresses may not
 * be called: the check happens on the addresses actually connected to.
 */
function guardedLookup(allowPrivate: boolean) {
  return (host: string, options: { all?: boolean }, callback: LookupCallback) => {
    dnsLookup(host, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as { address: string; family: number }[];
      const refused = list.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (refused || list.length === 0) {
        return callback(new OutboundAddressError(`Address ${refused?.address ?? "none"} of ${host} is private`), []);
      }
      if (options.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * POSTs JSON to a workspace-chosen URL under the outbound address rules and answers the
 * status, the content type and (at most 64 KB of) the body. Redirects are not followed. Fails on a refused
 * address, a network error or when `timeoutMs` passes.
 * @param url the receiver
 * @param body the JSON text
 * @param options headers to add, the timeout, and WEBHOOKS_ALLOW_PRIVATE
 */
export function postJson(
  url: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs: number; allowPrivate: boolean },
): Promise<{ status: number; body: string; contentType: string }> {
  let target: URL;
  try {
    target = checkOutboundUrl(url, options.allowPrivate);
  } catch (e) {
    return Promise.reject(e);
  }
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    const fail = (e: Error) => settle(() => reject(e));
    const request = client.request(target, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(new TextEncoder().encode(body).byteLength),
        "user-agent": "Parley",
        ...options.headers,
      },
      lookup: guardedLookup(options.allowPrivate),
    } as http.RequestOptions, (response) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      response.on("data", (chunk: Uint8Array) => {
        size += chunk.byteLength;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        else fail(new Error("Answer too large"));
      });
      response.on("end", () => {
        const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
        let at = 0;
        for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
        const contentType = String(response.headers["content-type"] ?? "");
        settle(() => resolve({ status: response.statusCode ?? 0, body: new TextDecoder().decode(bytes), contentType }));
      });
      response.on("error", fail);
    });
    // the deadline holds whatever the connection does: the caller gets its answer in time
    const timer = setTimeout(() => {
      fail(new Error(`No answer within ${options.timeoutMs} ms`));
      request.destroy();
    }, options.timeoutMs);
    request.on("error", fail);
    request.end(body);
  });
}
