/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signedInPage } from "./browser.ts";

/** A short description of the focused element: its class, its text for messages. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      className: el?.className ?? "",
      id: el?.id ?? "",
      text: el?.classList.contains("message") ? el.querySelector(".message-body")?.textContent ?? "" : "",
      inToolbar: !!el?.closest("#message-actions"),
    };
  });
}

browserTest(
  "the keyboard reaches the composer past one message stop, arrows move between messages, Enter opens the actions, Escape closes them",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const { page } = await signedInPage(
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      server.url,
      "acme",
      "ann@acme.test",
    );
    await page.click(".person-button:has-text('Bob')");
    await page.waitForSelector(".conversation .composer");
    for (let i = 1; i <= 16; i++) {
      await page.fill(".composer-input", `Message ${i}`);
      await page.press(".composer-input", "Enter");
      await page.waitForSelector(`.message.mine:has-text('Message ${i}')`);
    }
    await page.goto(server.url);
    await page.waitForSelector(".conv-row .conv-link");

    await t.step("the first Tab reaches a skip link that leads to the content", async () => {
      await page.keyboard.press("Tab");
      assert.match((await focused(page)).className, /skip-link/);
      await page.keyboard.press("Enter");
      assert.equal((await focused(page)).id, "pane");
    });

    await t.step("opening a conversation from the list puts the keyboard in its composer", async () => {
      await page.focus(".conv-row .conv-link");
      await page.keyboard.press("Enter");
      await page.waitForSelector(".message:has-text('Message 16')");
      await page.waitForFunction(() => document.activeElement?.matches(".composer-input"));
    });

    await t.step("from the conversation link to the composer, the message list is one tab stop", async () => {
      await page.focus(".conv-row .conv-link");
      const walk = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        const f = await focused(page);
        walk.push(f);
        if (f.className.includes("composer-input")) break;
      }
      assert.match(walk.at(-1)!.className, /composer-input/, "the composer is reached");
      const messages = walk.filter((f) => /\bmessage\b/.test(f.className));
      assert.deepEqual(messages.map((f) => f.text), ["Message 16"], "one stop, on the newest message");
      assert.equal(walk.filter((f) => f.inToolbar).length, 0, "the toolbar's buttons are not tab stops");
      assert.ok(walk.length < 16, `${walk.length} Tabs`);
    });

    await t.step("arrow keys move between messages, Home and End to the ends", async () => {
      await page.focus(".message:has-text('Message 16')");
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assert.equal((await focused(page)).text, "Message 14");
      await page.keyboard.press("ArrowDown");
      assert.equal((await focused(page)).text, "Message 15");
      await page.keyboard.press("Home");
      assert.equal((await focused(page)).text, "Message 1");
      await page.keyboard.press("End");
      assert.equal((await focused(page)).text, "Message 16");
      await page.keyboard.press("ArrowUp");
      // the message last moved to is the list's one tab stop
      const stops = await page.$$eval(".message[tabindex='0']", (els) => els.map((e) => e.textContent));
      assert.equal(stops.length, 1);
      assert.match(stops[0]!, /Message 15/);
    });

    await t.step(
      "Enter opens the message's actions, arrows move in them, Escape goes back to the message",
      async () => {
        await page.keyboard.press("Enter");
        const first = await focused(page);
        assert.ok(first.inToolbar, "a toolbar button has focus");
        assert.ok(
          await page.$eval("#message-actions", (el) => el.closest(".message")?.textContent?.includes("Message 15")),
        );
        await page.keyboard.press("ArrowRight");
        const label = await page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
        assert.ok(label, "each toolbar button has a name");
        await page.keyboard.press("Escape");
        assert.equal((await focused(page)).text, "Message 15");
        assert.equal(await page.isVisible("#message-actions"), false, "Escape closes the actions");
      },
    );

    await t.step("Enter then reply puts the keyboard in the composer, replying to that message", async () => {
      await page.keyboard.press("Enter");
      for (
        let i = 0;
        i < 10 && await page.evaluate(() => document.activeElement?.getAttribute("data-action")) !== "reply";
        i++
      ) {
        await page.keyboard.press("ArrowRight");
      }
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.matches(".composer-input"));
      assert.match(await page.textContent(".composer-context-label") ?? "", /Ann/);
    });
  },
);
