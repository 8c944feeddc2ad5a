/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { browserTest, screenshot, signedInPage, waitForStream, watchedPage } from "./browser.ts";

// a 2×2 PNG
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  ),
  (ch) => ch.charCodeAt(0),
);

browserTest(
  "the browser UI shares images, shows who has seen group messages, works as a widget, in three languages and on a phone",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", cat: "member" });
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
    const cat = await signedInPage(await browser.newContext(desktop), server.url, "acme", "cat@acme.test");
    const [a, b, c] = [ann.page, bob.page, cat.page];

    await t.step("an uploaded image shows as an inline preview on both sides", async () => {
      await a.click(".person-button:has-text('Bob')");
      await a.waitForSelector(".conversation .composer");
      await a.setInputFiles(".file-input", { name: "dot.png", mimeType: "image/png", buffer: Buffer.from(PNG) });
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".message.mine .image-preview img[alt='dot.png']");
      await b.click(".conv-row:has-text('Ann') .conv-link");
      const img = await b.waitForSelector(".message .image-preview img[alt='dot.png']");
      await b.waitForFunction((el) => (el as HTMLImageElement).naturalWidth === 2, img);
    });

    await t.step("a group of three shows who has seen the last message", async () => {
      await a.click(".new-group summary");
      await a.fill(".new-group input[name=title]", "Launch team");
      await a.check(".new-group label:has-text('Bob') input");
      await a.check(".new-group label:has-text('Cat') input");
      await a.click(".new-group button[type=submit]");
      await a.waitForSelector(".conversation h2:has-text('Launch team')");
      await a.fill(".composer-input", "Kick-off at ten");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".message.mine:has-text('Kick-off at ten')");
      // a pushed group preview says who wrote it
      await b.waitForSelector(".conv-row:has-text('Launch team') .conv-sender:has-text('Ann')");
      assert.match(
        await b.textContent(".conv-row:has-text('Launch team') .conv-preview") ?? "",
        /Ann: Kick-off at ten/,
      );
      await b.click(".conv-row:has-text('Launch team') .conv-link");
      await c.click(".conv-row:has-text('Launch team') .conv-link");
      await c.waitForSelector(".message:has-text('Kick-off at ten')");
      await a.waitForSelector(".seen-by:has-text('Bob'):has-text('Cat')");
    });

    await t.step("the widget opens, switches tabs and sends", async () => {
      const w = await watchedPage(b.context());
      await w.page.goto(`${server.url}/widget`);
      await w.page.waitForSelector("#event-stream", { state: "attached" });
      await waitForStream(w.page);
      assert.equal(await w.page.isVisible("#widget-panel"), false);
      assert.equal(await w.page.isVisible("#chat-bar .badge"), false, "nothing unread yet");
      await a.click(".conv-row.kind-direct:has-text('Bob') .conv-link");
      await a.waitForSelector(".conversation.kind-direct h2:has-text('Bob')");
      await a.fill(".composer-input", "Ping from the desk");
      await a.press(".composer-input", "Enter");
      await w.page.waitForSelector("#chat-bar .badge:not(.empty)");
      assert.equal((await w.page.textContent("#chat-bar .badge"))?.trim(), "1");
      await a.click(".conv-row:has-text('Launch team') .conv-link");
      await a.waitForSelector(".conversation h2:has-text('Launch team')");
      await w.page.click("#chat-bar");
      await w.page.waitForSelector("#widget-panel", { state: "visible" });
      await w.page.click("[data-tab=tab-people]");
      await w.page.waitForSelector("#tab-people .person-button:has-text('Cat')");
      await w.page.click("[data-tab=tab-chats]");
      await w.page.click("#tab-chats .conv-row:has-text('Launch team') .conv-link");
      await w.page.waitForSelector("#tab-chat .composer");
      assert.equal(await w.page.getAttribute("[data-tab=tab-chat]", "aria-selected"), "true");
      await w.page.fill("#tab-chat .composer-input", "Sent from the widget");
      await w.page.press("#tab-chat .composer-input", "Enter");
      await a.waitForSelector(".message:has-text('Sent from the widget')");
      await screenshot(w.page, "widget");
      assert.deepEqual(w.errors, []);
      await w.page.close();
    });

    await t.step("switching to Español and Português changes the interface text", async () => {
      await c.selectOption(".topbar select[name=locale]", "es");
      await c.waitForSelector("h2:has-text('Personas y grupos')");
      assert.equal(await c.getAttribute("html", "lang"), "es");
      await waitForStream(c);
      await c.selectOption(".topbar select[name=locale]", "pt-BR");
      await c.waitForSelector("h2:has-text('Pessoas e grupos')");
      // the switch reloads the page: open a conversation only once htmx has taken it over
      await waitForStream(c);
      await c.click(".conv-row .conv-link");
      await c.waitForSelector(".composer-input");
      assert.equal(await c.getAttribute(".composer-input", "placeholder"), "Escreva uma mensagem…");
    });

    await t.step("a 390×844 phone shows one usable column", async () => {
      const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const phone = await signedInPage(phoneContext, server.url, "acme", "bob@acme.test");
      await screenshot(phone.page, "phone-list");
      await phone.page.click(".conv-row:has-text('Launch team') .conv-link");
      await phone.page.waitForSelector(".composer-input");
      assert.equal(await phone.page.isVisible(".sidebar"), false);
      const box = await phone.page.locator(".send-button").boundingBox();
      assert.ok(box && box.x + box.width <= 390 && box.y + box.height <= 844, "send button is on screen");
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no horizontal scroll (${width}px)`);
      await screenshot(phone.page, "phone-conversation");
      assert.deepEqual(phone.errors, []);
    });

    await t.step("dark mode follows the system setting", async () => {
      const darkContext = await browser.newContext({ ...desktop, colorScheme: "dark" });
      const dark = await signedInPage(darkContext, server.url, "acme", "ann@acme.test");
      await dark.page.click(".conv-row:has-text('Launch team') .conv-link");
      await dark.page.waitForSelector(".message");
      const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(18, 20, 23)");
      await screenshot(dark.page, "dark");
      assert.deepEqual(dark.errors, []);
    });

    assert.deepEqual([...ann.errors, ...bob.errors, ...cat.errors], []);
  },
);
