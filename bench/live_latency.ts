/// <reference lib="dom" />
/**
 * Live-update latency in real browsers: the time from a send in one window to the message
 * rendered in the other's open conversation (two headless Chromium contexts, one server,
 * one machine, so both read the same clock). Prints one JSON line.
 *   deno task bench:live_latency [--samples 40]
 */
import { launchBrowser, signedInPage, startServer } from "../tests/ui/browser.ts";

const samples = Number(Deno.args[Deno.args.indexOf("--samples") + 1]) || 40;
const server = await startServer();
const browser = await launchBrowser();
try {
  await server.seed("bench", { bob: "member" });
  const ann = (await signedInPage(await browser.newContext(), server.url, "bench", "ann@bench.test")).page;
  const bob = (await signedInPage(await browser.newContext(), server.url, "bench", "bob@bench.test")).page;
  await ann.click(".person-button:has-text('Bob')");
  await ann.waitForSelector(".conversation .composer");
  await ann.fill(".composer-input", "warm-up");
  await ann.press(".composer-input", "Enter");
  await bob.click(".conv-row:has-text('Ann') .conv-link");
  await bob.waitForSelector(".message:has-text('warm-up')");
  // the render time of each ping, taken by the receiving page as the node lands
  await bob.evaluate(() => {
    const seen: Record<string, number> = {};
    Object.assign(globalThis, { seen });
    new MutationObserver(() => {
      for (const m of document.querySelectorAll<HTMLElement>(".message[data-content^='ping-']")) {
        seen[m.dataset.content!] ??= performance.timeOrigin + performance.now();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const text = `ping-${i}`;
    const sentAt = await ann.evaluate((text) => {
      const form = document.querySelector<HTMLFormElement>("form.composer")!;
      (form.elements.namedItem("content") as HTMLTextAreaElement).value = text;
      const at = performance.timeOrigin + performance.now();
      form.requestSubmit();
      return at;
    }, text);
    const renderedAt = await bob.waitForFunction(
      (text) => (globalThis as unknown as { seen: Record<string, number> }).seen[text],
      text,
    ).then((h) => h.jsonValue());
    latencies.push(renderedAt - sentAt);
    await ann.waitForFunction(() => document.querySelector<HTMLTextAreaElement>(".composer-input")!.value === "");
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
  console.log(JSON.stringify({
    bench: "live_latency",
    samples,
    send_to_render_ms: { median: at(0.5), p90: at(0.9), min: at(0), max: at(1) },
    loadavg: Deno.loadavg(),
  }));
} finally {
  await browser.close();
  await server.stop();
}
