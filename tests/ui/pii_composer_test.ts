/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage } from "./browser.ts";

browserTest(
  "a message the PII policy blocks is refused inline in the composer, which keeps the text",
  async (t, env) => {
    const { server, browser } = env;
    await server.seed("acme", { bob: "member" });
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const page = bob.page;
    const text = "my card is 4111 1111 1111 1111";

    await t.step("the admin turns the policy to block", async () => {
      const status = await ann.page.evaluate(async () => {
        const res = await fetch("/api/admin/settings", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ pii_policy: "block" }),
        });
        return res.status;
      });
      assert.equal(status, 200);
    });

    await t.step("the refusal names the kind beside the composer and the text stays", async () => {
      await page.click(".person-button:has-text('Ann')");
      await page.waitForSelector(".conversation .composer");
      await page.fill(".composer-input", text);
      await page.press(".composer-input", "Enter");
      const notice = await page.waitForSelector(".composer-notice:has-text('card numbers')");

      assert.equal(await notice.getAttribute("role"), "alert");
      assert.equal(await page.inputValue(".composer-input"), text);
      assert.equal(await page.locator(".message").filter({ hasText: "4111" }).count(), 0);
    });

    await t.step("a send without personal data goes out and clears the refusal", async () => {
      await page.fill(".composer-input", "call me later");
      await page.press(".composer-input", "Enter");
      await page.waitForSelector(".message.mine:has-text('call me later')");

      assert.equal(await page.textContent(".composer-notice"), "");
      assert.equal(await page.inputValue(".composer-input"), "");
    });
  },
);
