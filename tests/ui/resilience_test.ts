/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage, waitForStream } from "./browser.ts";

browserTest(
  "notifications for conversations that are not open, and no message lost when the stream drops",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", cat: "member" });
    const annCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await annCtx.grantPermissions(["notifications"], { origin: server.url });
    // records what the page shows, then lets the real Notification do its work
    await annCtx.addInitScript(() => {
      const Real = globalThis.Notification;
      const shown: { title: string; body: string }[] = [];
      Object.assign(globalThis, { shownNotifications: shown });
      globalThis.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body ?? "" });
        }
      } as typeof Notification;
    });
    const ann = await signedInPage(annCtx, server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const cat = await signedInPage(await browser.newContext(), server.url, "acme", "cat@acme.test");
    const [a, b, c] = [ann.page, bob.page, cat.page];

    await t.step("a message in a conversation that is not open raises a notification", async () => {
      await a.click(".person-button:has-text('Cat')");
      await a.waitForSelector(".conversation .composer");
      await b.click(".person-button:has-text('Ann')");
      await b.fill(".composer-input", "Are you free at three?");
      await b.press(".composer-input", "Enter");
      await a.waitForFunction(() =>
        (globalThis as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications
          .some((n) => n.body.includes("Bob") && n.body.includes("Are you free at three?"))
      );
      await c.click(".person-button:has-text('Ann')");
      await c.fill(".composer-input", "In the open chat");
      await c.press(".composer-input", "Enter");
      await a.waitForSelector(".message:has-text('In the open chat')");
      const shown = await a.evaluate(() =>
        (globalThis as unknown as { shownNotifications: { body: string }[] }).shownNotifications.map((n) => n.body)
      );
      assert.equal(shown.some((s) => s.includes("In the open chat")), false);
    });

    await t.step("killing the stream and sending meanwhile loses nothing after reconnect", async () => {
      await annCtx.setOffline(true);
      await a.evaluate(() => {
        const el = document.getElementById("event-stream") as HTMLElement & {
          _htmx: { sse: { reader: ReadableStreamDefaultReader | null } };
        };
        el._htmx.sse.reader?.cancel();
      });
      for (const text of ["While away one", "While away two"]) {
        await c.fill(".composer-input", text);
        await c.press(".composer-input", "Enter");
        await c.waitForSelector(`.message.mine:has-text('${text}')`);
      }
      await new Promise((r) => setTimeout(r, 1500));
      await annCtx.setOffline(false);
      await a.waitForSelector(".message:has-text('While away two')", { timeout: 20_000 });
      await waitForStream(a);
      assert.equal(await a.locator(".message:has-text('While away one')").count(), 1);
      assert.equal(await a.locator(".message:has-text('While away two')").count(), 1);
    });

    // while the test holds the network down, the browser and htmx log each failed fetch
    const offlineNoise = (e: string) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|Failed to fetch/.test(e);
    assert.deepEqual([...ann.errors.filter(offlineNoise), ...bob.errors, ...cat.errors], []);
  },
);

browserTest(
  "a page whose first stream connect fails connects again and gets live messages",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const annCtx = await browser.newContext();
    const ann = await signedInPage(annCtx, server.url, "acme", "ann@acme.test");

    await t.step("a refused first connect, then a failed one, is retried until it connects", async () => {
      const page = await annCtx.newPage();
      let refused = 0;
      await page.route("**/ui/events?*", (route) => {
        if (refused++ === 0) return route.abort("connectionrefused");
        if (refused === 2) return route.fulfill({ status: 503, body: "starting" });
        return route.continue();
      });
      await page.goto(`${server.url}/`);
      await waitForStream(page);
      assert.equal(refused, 3, "two failed connects, then the one that worked");
      await bob.page.click(".person-button:has-text('Ann')");
      await bob.page.fill(".composer-input", "After the blip");
      await bob.page.press(".composer-input", "Enter");
      await page.waitForSelector(".conv-row:has-text('Bob'):has-text('After the blip')");
      await page.close();
    });
    await ann.page.close();
  },
);

browserTest(
  "text typed while a message is on its way stays in the composer",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const a = ann.page;
    await a.click(".person-button:has-text('Bob')");
    await a.waitForSelector(".conversation .composer");

    await t.step("a slow send does not wipe what was typed after it", async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => release = r);
      let held = 0;
      await a.route("**/ui/conversations/*/messages", async (route) => {
        if (route.request().method() !== "POST") return route.continue();
        held++;
        await released;
        await route.continue();
      });
      await a.fill(".composer-input", "First, slowly");
      await a.press(".composer-input", "Enter");
      while (held === 0) await new Promise((r) => setTimeout(r, 20));
      await a.fill(".composer-input", "Second, typed meanwhile");
      // the page's own handler of the answer runs before this one, registered later
      const answered = a.evaluate(() =>
        new Promise<void>((r) => document.addEventListener("htmx:after:request", () => r(), { once: true }))
      );
      release();
      await answered;
      await a.waitForSelector(".message.mine:has-text('First, slowly')");
      assert.equal(await a.inputValue(".composer-input"), "Second, typed meanwhile");
      await a.unroute("**/ui/conversations/*/messages");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".message.mine:has-text('Second, typed meanwhile')");
      await a.waitForFunction(() => document.querySelector<HTMLTextAreaElement>(".composer-input")?.value === "");
    });
    assert.deepEqual(ann.errors, []);
  },
);
