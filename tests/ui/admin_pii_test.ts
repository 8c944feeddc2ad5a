/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage } from "./browser.ts";

browserTest(
  "a PII policy changed to block on the workspace page takes effect on the next send",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const [a, b] = [ann.page, bob.page];

    await t.step("with the policy off a card number goes out", async () => {
      await b.click(".person-button:has-text('Ann')");
      await b.waitForSelector(".conversation .composer");
      await b.fill(".composer-input", "first card 4111 1111 1111 1111");
      await b.press(".composer-input", "Enter");
      await b.waitForSelector(".message.mine:has-text('first card 4111 1111 1111 1111')");
    });

    await t.step("the admin picks block and only the card detector in the form", async () => {
      await a.goto(`${server.url}/admin/workspace`);
      assert.equal(await a.inputValue("#setting-pii_policy"), "off");
      await a.selectOption("#setting-pii_policy", "block");
      for (const label of ["email", "phone", "iban"]) await a.uncheck(`#setting-pii_detectors input[value=${label}]`);
      await a.click("#settings-pii button[type=submit]");
      await a.waitForSelector("#settings-pii .saved-note");
      assert.equal(await a.inputValue("#setting-pii_policy"), "block");
      const res = await a.request.get(`${server.url}/api/admin/settings`);
      const settings = await res.json();
      assert.equal(settings.pii_policy, "block");
      assert.deepEqual(settings.pii_detectors, { email: false, phone: false, card: true, iban: false });
    });

    await t.step("the next send with a card number is refused inline; one with an email goes out", async () => {
      await b.fill(".composer-input", "second card 4111 1111 1111 1111");
      await b.press(".composer-input", "Enter");
      await b.waitForSelector(".composer-notice:has-text('card numbers')");
      assert.equal(await b.locator(".message").filter({ hasText: "second card" }).count(), 0);

      await b.fill(".composer-input", "mail me at bob@example.com");
      await b.press(".composer-input", "Enter");
      await b.waitForSelector(".message.mine:has-text('mail me at bob@example.com')");
      await a.goto(`${server.url}/`);
      await a.click(".conv-row:has-text('Bob') .conv-link");
      await a.waitForSelector(".message:has-text('mail me at bob@example.com')");
      assert.equal(await a.locator(".message").filter({ hasText: "second card" }).count(), 0);
    });
  },
);
