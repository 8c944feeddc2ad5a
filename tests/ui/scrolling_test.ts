/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { browserTest, screenshot, signedInPage, waitForStream } from "./browser.ts";
import { startDirect } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

/** Pixels between the bottom of the open conversation's view and the end of its content. */
const gapBelow = (page: Page) =>
  page.$eval(".message-scroller", (s) => Math.round(s.scrollHeight - s.scrollTop - s.clientHeight));

/** Waits until every image in the open conversation has loaded. */
const imagesLoaded = (page: Page) =>
  page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>(".message-scroller img")].every((i) =>
      i.complete && i.naturalHeight > 0
    )
  );

/** Waits for the layout to settle after the last change (two frames). */
const settled = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** A tall PNG drawn by the browser. */
async function tallPng(page: Page): Promise<Uint8Array> {
  const base64 = await page.evaluate(() => {
    const canvas = Object.assign(document.createElement("canvas"), { width: 240, height: 400 });
    const draw = canvas.getContext("2d")!;
    draw.fillStyle = "#3a6";
    draw.fillRect(0, 0, 240, 400);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

async function sendImage(page: Page, png: Uint8Array, name: string) {
  await page.setInputFiles(".composer .file-input", { name, mimeType: "image/png", buffer: Buffer.from(png) });
  await page.press(".composer-input", "Enter");
  await page.waitForSelector(`.message.mine img[alt='${name}']`);
}

browserTest(
  "the open conversation follows what arrives while the reader is at its end, and counts what they have not seen",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member" });
    const { ann, bob: bobUser } = acme.users as Record<string, User>;
    const deps = server.runtime;
    const annScope = scopeFor({ db: deps.database.db, bus: deps.bus }, {
      tenantId: ann.tenantId,
      userId: ann.id,
      role: ann.role,
    });
    const { conversation } = await startDirect(annScope, bobUser.id, deps);
    for (let i = 0; i < 30; i++) await sendMessage(annScope, conversation.id, { content: `Earlier ${i}` }, deps);
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann_ = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bobCtx = await browser.newContext(desktop);
    const bob = await signedInPage(bobCtx, server.url, "acme", "bob@acme.test");
    const [a, b] = [ann_.page, bob.page];
    // images reach Bob a moment late, as over a real network: the view must follow them in
    await b.route("**/*", async (route) => {
      if (route.request().resourceType() === "image") await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    await a.click(".conv-row:has-text('Bob') .conv-link");
    await a.waitForSelector(".conversation .composer");
    const png = await tallPng(a);
    await sendImage(a, png, "first.png");

    await t.step("opening a conversation whose last message is an image ends at the real bottom", async () => {
      await b.click(".conv-row:has-text('Ann') .conv-link");
      await b.waitForSelector(".message img[alt='first.png']");
      await imagesLoaded(b);
      await settled(b);
      assert.ok(await gapBelow(b) <= 2, `${await gapBelow(b)} px short of the end`);
      await b.waitForSelector(".conv-row:has-text('Ann') .badge.empty", { state: "attached" });
    });

    await t.step("at the end, an arriving image and a tall message stay in view", async () => {
      await sendImage(a, png, "second.png");
      await b.waitForSelector(".message img[alt='second.png']");
      await imagesLoaded(b);
      await settled(b);
      assert.ok(await gapBelow(b) <= 2, `image: ${await gapBelow(b)} px below the fold`);

      await a.fill(".composer-input", Array.from({ length: 12 }, (_, i) => `Line ${i + 1}`).join("\n"));
      await a.press(".composer-input", "Enter");
      await b.waitForSelector(".message:has-text('Line 12')");
      await settled(b);
      assert.ok(await gapBelow(b) <= 2, `tall message: ${await gapBelow(b)} px below the fold`);
      assert.equal(await b.isVisible(".jump-latest"), false);
      await b.waitForSelector(".conv-row:has-text('Ann') .badge.empty", { state: "attached" });
    });

    await t.step("scrolled up, new messages are counted on the jump button and stay unread until seen", async () => {
      await b.$eval(".message-scroller", (s) => s.scrollTop = 0);
      await settled(b);
      for (const text of ["Out of view one", "Out of view two"]) {
        await a.fill(".composer-input", text);
        await a.press(".composer-input", "Enter");
        await b.waitForSelector(`.message:has-text('${text}')`, { state: "attached" });
      }
      await b.waitForSelector(".jump-latest:has(.jump-count:text-is('2'))");
      // past the read debounce: nothing was marked read while out of view
      await b.waitForSelector(".conv-row:has-text('Ann') .badge[data-count='2']", { state: "attached" });
      await b.waitForTimeout(800);
      assert.equal(await b.getAttribute(".conv-row:has-text('Ann') .badge", "data-count"), "2");

      await b.click(".jump-latest");
      await b.waitForSelector(".conv-row:has-text('Ann') .badge.empty", { state: "attached" });
      assert.equal(await b.isVisible(".jump-latest"), false);
      assert.ok(await gapBelow(b) <= 2);
    });

    await t.step("messages replayed after a reconnect follow at the end and are read", async () => {
      await bobCtx.setOffline(true);
      await b.evaluate(() => {
        const el = document.getElementById("event-stream") as HTMLElement & {
          _htmx: { sse: { reader: ReadableStreamDefaultReader | null } };
        };
        el._htmx.sse.reader?.cancel();
      });
      for (let i = 1; i <= 4; i++) {
        await sendMessage(annScope, conversation.id, {
          content: Array.from({ length: 8 }, (_, n) => `Missed ${i}.${n}`).join("\n"),
        }, deps);
      }
      await bobCtx.setOffline(false);
      await b.waitForSelector(".message:has-text('Missed 4.7')", { timeout: 20_000 });
      await waitForStream(b);
      await settled(b);
      assert.ok(await gapBelow(b) <= 2, `replay: ${await gapBelow(b)} px below the fold`);
      await b.waitForSelector(".conv-row:has-text('Ann') .badge.empty", { state: "attached" });
      assert.equal(await b.isVisible(".jump-latest"), false);
    });

    await screenshot(b, "conversation-followed");
    const offlineNoise = (e: string) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|Failed to fetch/.test(e);
    assert.deepEqual([...ann_.errors, ...bob.errors.filter(offlineNoise)], []);
  },
);
