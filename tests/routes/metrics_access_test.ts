import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/config.ts";
import { startServer } from "../realtime/server.ts";

const TOKEN = "metrics-token-0123456789abcdef";

Deno.test("without METRICS_TOKEN, /metrics answers this machine only, judged by the client behind a proxy", async () => {
  // the reverse proxy runs on this machine, as it often does
  const server = await startServer({}, { TRUSTED_PROXIES: "127.0.0.1" });

  const local = await fetch(`${server.url}/metrics`);
  const forwarded = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } });
  const forwardedLocal = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "127.0.0.1" } });

  assert.equal(local.status, 200);
  assert.match(await local.text(), /^# HELP parley_open_streams /m);
  assert.equal(forwarded.status, 403);
  const { error } = await forwarded.json();
  assert.equal(error.code, "forbidden");
  assert.doesNotMatch(JSON.stringify(error), /parley_/);
  assert.equal(forwardedLocal.status, 200);
  await forwardedLocal.body?.cancel();
  await server.close();
});

Deno.test("with METRICS_TOKEN, /metrics wants that bearer token, from this machine too", async () => {
  const server = await startServer({}, { METRICS_TOKEN: TOKEN });
  const scrape = (headers: Record<string, string>) => fetch(`${server.url}/metrics`, { headers });

  const none = await scrape({});
  const wrong = await scrape({ authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
  const longer = await scrape({ authorization: `Bearer ${TOKEN}x` });
  const basic = await scrape({ authorization: `Basic ${btoa(`metrics:${TOKEN}`)}` });
  const right = await scrape({ authorization: `Bearer ${TOKEN}` });

  for (const res of [none, wrong, longer, basic]) {
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
    assert.equal((await res.json()).error.code, "unauthenticated");
  }
  assert.equal(right.status, 200);
  assert.match(right.headers.get("content-type") ?? "", /^text\/plain/);
  assert.match(await right.text(), /^parley_open_streams \d+$/m);
  await server.close();
});

Deno.test("METRICS_TOKEN is read from the environment and must not be guessable", () => {
  assert.equal(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
  assert.equal(loadConfig({}).metricsToken, null);
  assert.throws(
    () => loadConfig({ METRICS_TOKEN: "short" }),
    (e) => e instanceof ConfigError && /METRICS_TOKEN/.test(e.message),
  );
});
