/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { browserTest, screenshot, signedInPage, waitForStream } from "./browser.ts";

/** Overlap of the open toolbar with the header (name, time) of the message it sits on, in px². */
function toolbarOverHeader(page: Page, selector: string) {
  return page.$eval(selector, (message) => {
    const toolbar = message.querySelector("#message-actions");
    const meta = message.querySelector(".message-meta");
    if (!toolbar || !meta) throw new Error("no toolbar on the message");
    const [a, b] = [toolbar.getBoundingClientRect(), meta.getBoundingClientRect()];
    return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
      Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  });
}

browserTest(
  "icons are SVG with names; sizes in KB by language; runs of one sender grouped live; the toolbar leaves the header readable; stray drops caught; an emoji picker reacts and inserts",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", cat: "member" });
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
    const [a, b] = [ann.page, bob.page];
    await a.click(".person-button:has-text('Bob')");
    await a.waitForSelector(".conversation .composer");
    await a.fill(".composer-input", "Hi Bob");
    await a.press(".composer-input", "Enter");
    await b.click(".conv-row:has-text('Ann') .conv-link");
    await b.waitForSelector(".message:has-text('Hi Bob')");

    await t.step(
      "icons are symbols of the page's one sprite, each control named, no emoji in the interface",
      async () => {
        await a.hover(".message.mine");
        const report = await a.evaluate(() => {
          const controls = Array.from(
            document.querySelectorAll(
              ".composer button, .composer label.icon-button, #message-actions button:not([data-action=react]), .conv-actions button, .pane-header a",
            ),
          ) as HTMLElement[];
          return {
            sprites: document.querySelectorAll("svg.icon-sprite").length,
            controls: controls.map((c) => ({
              name: c.getAttribute("aria-label") ?? c.textContent?.trim() ?? "",
              icons: Array.from(c.querySelectorAll("svg.icon use")).map((u) => u.getAttribute("href")),
              emoji: /\p{Extended_Pictographic}/u.test(c.textContent ?? ""),
            })),
            missing: Array.from(document.querySelectorAll("svg.icon use"))
              .map((u) => u.getAttribute("href") ?? "").filter((href) => !document.querySelector(`symbol${href}`)),
          };
        });
        assert.equal(report.sprites, 1);
        assert.deepEqual(report.missing, []);
        assert.ok(report.controls.length >= 8, `${report.controls.length} controls`);
        for (const c of report.controls) {
          assert.equal(c.emoji, false, `no emoji in ${c.name}`);
          assert.ok(c.name, "named");
        }
        const iconic = report.controls.filter((c) => c.icons.length);
        assert.ok(iconic.length >= 7, `${iconic.length} icon controls`);
      },
    );

    await t.step("file sizes read in KB by the reader's language, also as the server renders them", async () => {
      await a.setInputFiles(".file-input", {
        name: "notes.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("x".repeat(591)),
      });
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".message.mine .file-chip:has-text('notes.txt')");
      assert.equal(await a.textContent(".message.mine .file-size"), "0.6 kB");
      const html = await (await a.request.get(a.url())).text();
      assert.match(html, /class="file-size" data-bytes="591">0\.6 kB</);
      await b.waitForSelector(".message .file-chip:has-text('notes.txt')");
      const conversation = b.url();
      await b.selectOption("select[name=locale]", "pt-BR");
      await b.waitForSelector("html[lang=pt-BR]");
      await b.goto(conversation);
      await waitForStream(b);
      assert.equal(await b.textContent(".message .file-size"), "0,6 kB");
    });

    await t.step("messages from one person within five minutes go under one name, also as they arrive", async () => {
      for (const text of ["First of three", "Second of three", "Third of three"]) {
        await a.fill(".composer-input", text);
        await a.press(".composer-input", "Enter");
        await a.waitForSelector(`.message.mine:has-text('${text}')`);
      }
      await b.waitForSelector(".message:has-text('Third of three')");
      const run = await b.$$eval(".message", (els) =>
        els.map((e) => ({
          text: e.querySelector(".message-body")?.textContent?.trim() ?? "",
          grouped: e.classList.contains("grouped"),
          nameShown: (e.querySelector(".sender") as HTMLElement).checkVisibility(),
        })));
      // (the file before them may sit under the "new messages" divider, which starts a run of its own)
      assert.deepEqual(run.filter((m) => m.text === "Hi Bob" || m.text.endsWith("of three")), [
        { text: "Hi Bob", grouped: false, nameShown: true },
        { text: "First of three", grouped: true, nameShown: false },
        { text: "Second of three", grouped: true, nameShown: false },
        { text: "Third of three", grouped: true, nameShown: false },
      ]);
      await b.fill(".composer-input", "Bob here");
      await b.press(".composer-input", "Enter");
      await a.waitForSelector(".message:has-text('Bob here')");
      await a.fill(".composer-input", "After Bob");
      await a.press(".composer-input", "Enter");
      const after = await b.waitForSelector(".message:has-text('After Bob')");
      assert.equal(
        await after.evaluate((e) => e.classList.contains("grouped")),
        false,
        "another sender breaks the run",
      );
    });

    await t.step("the message toolbar never covers the name and time of its message", async () => {
      for (const page of [a, b]) {
        for (const text of ["Hi Bob", "Second of three", "After Bob", "Bob here"]) {
          const selector = `.message:has-text('${text}')`;
          await page.hover(selector);
          await page.waitForSelector(`${selector} #message-actions`);
          assert.equal(await toolbarOverHeader(page, selector), 0, `${text} on ${page === a ? "Ann's" : "Bob's"} page`);
        }
      }
      const phone = await signedInPage(
        await browser.newContext({ viewport: { width: 390, height: 844 } }),
        server.url,
        "acme",
        "ann@acme.test",
      );
      await phone.page.click(".conv-row:has-text('Bob') .conv-link");
      for (const text of ["Hi Bob", "Bob here", "After Bob"]) {
        const selector = `.message:has-text('${text}')`;
        await phone.page.hover(selector);
        await phone.page.waitForSelector(`${selector} #message-actions`);
        assert.equal(await toolbarOverHeader(phone.page, selector), 0, `${text} on a phone`);
      }
      await screenshot(phone.page, "phone-light-toolbar");
      await phone.page.context().close();
    });

    await t.step("a file dropped outside the composer does not make the browser leave the page", async () => {
      const outcome = await a.evaluate(() => {
        const drop = (type: string, target: Element) => {
          const data = new DataTransfer();
          data.items.add(new File(["x"], "stray.txt", { type: "text/plain" }));
          const e = new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true });
          target.dispatchEvent(e);
          return e.defaultPrevented;
        };
        const sidebar = document.querySelector(".sidebar")!;
        const header = document.querySelector(".pane-header")!;
        return [drop("dragover", sidebar), drop("drop", sidebar), drop("drop", header)];
      });
      assert.deepEqual(outcome, [true, true, true]);
      assert.equal(await a.$$eval(".composer .file-list li", (l) => l.length), 0, "nothing attached");
    });

    await t.step(
      "the emoji picker finds an emoji by a word, reacts with it and inserts one in the composer",
      async () => {
        await b.hover(".message:has-text('After Bob')");
        await b.click(".message:has-text('After Bob') #message-actions [data-action=pick]");
        await b.waitForSelector("#emoji-picker", { state: "visible" });
        assert.equal(await b.evaluate(() => document.activeElement?.className), "emoji-search");
        await b.keyboard.type("rocket");
        assert.deepEqual(
          await b.$$eval(".emoji-option:not([hidden])", (els) => els.map((e) => e.textContent?.trim())),
          [
            "🚀",
          ],
        );
        await b.keyboard.press("Enter");
        await b.waitForSelector("#emoji-picker", { state: "hidden" });
        await a.waitForSelector(".message:has-text('After Bob') .reaction:has-text('🚀')");
        await b.waitForSelector(".message:has-text('After Bob') .reaction.mine:has-text('🚀')");

        await b.fill(".composer-input", "Great ");
        await b.click(".composer .emoji-button");
        await b.fill(".emoji-search", "qqqq");
        assert.equal(await b.isVisible(".emoji-empty"), true, "nothing matches: it says so");
        await b.fill(".emoji-search", "party");
        await b.click(".emoji-option:not([hidden]) >> nth=0");
        assert.equal(await b.inputValue(".composer-input"), "Great 🎉");
        assert.equal(await b.evaluate(() => document.activeElement?.className), "composer-input");
        await b.click(".composer .emoji-button");
        await b.keyboard.press("Escape");
        await b.waitForSelector("#emoji-picker", { state: "hidden" });
        assert.match(await b.evaluate(() => document.activeElement?.className) ?? "", /emoji-button/);
      },
    );
  },
);

browserTest(
  "the pt-BR widget's tabs are not confused with each other, and the group form starts over after a group is made",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", cat: "member" });
    const { page } = await signedInPage(
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      server.url,
      "acme",
      "ann@acme.test",
    );

    await t.step("the group form is empty and closed after creating", async () => {
      await page.click(".new-group summary");
      await page.fill(".new-group input[name=title]", "Launch team");
      await page.check(".new-group label:has-text('Bob') input");
      await page.click(".new-group button[type=submit]");
      await page.waitForSelector(".conversation h2:has-text('Launch team')");
      assert.equal(await page.$eval(".new-group", (d) => (d as HTMLDetailsElement).open), false);
      await page.click(".new-group summary");
      assert.equal(await page.inputValue(".new-group input[name=title]"), "");
      assert.equal(await page.$$eval(".new-group input:checked", (l) => l.length), 0);
    });

    await t.step("widget tabs in pt-BR: no label is a prefix of another", async () => {
      await page.selectOption("select[name=locale]", "pt-BR");
      await page.waitForSelector("html[lang=pt-BR]");
      await page.goto(`${server.url}/widget`);
      await page.click("#chat-bar");
      const labels = await page.$$eval(".widget-tab", (tabs) => tabs.map((tab) => tab.textContent?.trim() ?? ""));
      assert.equal(labels.length, 3);
      for (const x of labels) {
        for (const y of labels) {
          if (x !== y) assert.ok(!y.toLowerCase().startsWith(x.toLowerCase()), `${x} / ${y}`);
        }
      }
      assert.equal(new Set(labels).size, 3);
    });
  },
);
