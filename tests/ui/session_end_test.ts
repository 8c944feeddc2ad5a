/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { BrowserContext } from "playwright-core";
import { browserTest, PASSWORD, signedInPage, watchedPage } from "./browser.ts";

/** Signs the context's browser session out through the API, as another client of the same account would. */
async function signOutThroughApi(base: string, context: BrowserContext) {
  const token = (await context.cookies()).find((c) => c.name === "parley_session")?.value;
  assert.ok(token, "the page holds a session cookie");
  const res = await fetch(`${base}/api/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  await res.body?.cancel();
}

browserTest(
  "a page whose session ends (signed out through the API) goes to the sign-in page instead of retrying",
  async (t, { server, browser }) => {
    await server.seed("acme", {});

    await t.step("with its event stream open", async () => {
      const context = await browser.newContext();
      const { page } = await signedInPage(context, server.url, "acme", "ann@acme.test");

      await signOutThroughApi(server.url, context);

      await page.waitForURL(`${server.url}/login`, { timeout: 15_000 });
      await context.close();
    });

    await t.step("while it polls because streams keep failing", async () => {
      const context = await browser.newContext();
      const { page } = await watchedPage(context);
      await page.route("**/ui/events?*", (route) => route.abort("connectionrefused"));
      // a poll waits up to 25 s for news: the first one is held until the session has ended
      let release!: () => void;
      const released = new Promise<void>((r) => release = r);
      await page.route("**/ui/events/poll?*", async (route) => {
        await released;
        await route.continue();
      });
      const polled = page.waitForRequest((r) => r.url().includes("/ui/events/poll"), { timeout: 20_000 });
      await page.goto(`${server.url}/login`);
      await page.fill("input[name=workspace]", "acme");
      await page.fill("input[name=email]", "ann@acme.test");
      await page.fill("input[name=password]", PASSWORD);
      await page.click("button[type=submit]");
      await polled;
      assert.equal(await page.isVisible("#connection-status"), true, "the page says it is polling");

      await signOutThroughApi(server.url, context);
      release();

      await page.waitForURL(`${server.url}/login`, { timeout: 15_000 });
      await context.close();
    });
  },
);
