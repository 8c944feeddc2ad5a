import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { testDeps } from "../helpers.ts";

const IMPORT = /(?:\bfrom\s*|\bimport\s*)"([^"]+)"/g;

async function sha256Prefix(text: string) {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes.slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("the page script's modules are served at content-hashed URLs that their imports name, cached for good", async () => {
  const deps = await testDeps();
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  try {
    const page = await (await fetch(`${server.url}/login`)).text();
    const entry = page.match(/<script type="module" src="([^"]+)"/)?.[1];
    const preloaded = [...page.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(entry, "the page loads its script as a module");
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script (the CSP allows none)");

    const seen = new Map<string, string>();
    const queue = [entry];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8", path);
      assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable", path);
      const [, hash] = path.match(/^\/static\/js\/[\w]+-([0-9a-f]{10})\.js$/) ?? [];
      assert.equal(hash, await sha256Prefix(body), `${path} is named by its content`);
      seen.set(path, body);
      for (const [, specifier] of body.matchAll(IMPORT)) queue.push(specifier);
    }

    assert.ok(seen.size >= 5, `only ${seen.size} modules were reached`);
    assert.deepEqual([...seen.keys()].filter((p) => p !== entry).sort(), preloaded.sort(), "every import is preloaded");
    const unversioned = [...seen.values()].flatMap((body) => [...body.matchAll(IMPORT)].map((m) => m[1]))
      .filter((specifier) => !specifier.startsWith("/static/js/"));
    assert.deepEqual(unversioned, []);
  } finally {
    await server.shutdown();
    await deps.close();
  }
});
