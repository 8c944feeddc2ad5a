/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { browserTest, signedInPage, waitForStream } from "./browser.ts";

// a 2×2 PNG
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  ),
  (ch) => ch.charCodeAt(0),
);

browserTest(
  "a deleted message loses its image, file and reactions on every open page, live and after a reload",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
    const [a, b] = [ann.page, bob.page];
    const doomed = ".message:has-text('Plans for the launch')";

    await t.step("Bob sees Ann's message with an image, a file, his reaction and a reply quoting it", async () => {
      await a.click(".person-button:has-text('Bob')");
      await a.waitForSelector(".conversation .composer");
      await a.setInputFiles(".file-input", [
        { name: "dot.png", mimeType: "image/png", buffer: Buffer.from(PNG) },
        { name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from("launch on friday\n") },
      ]);
      await a.fill(".composer-input", "Plans for the launch");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(`${doomed}.mine .image-preview img`);

      await b.click(".conv-row:has-text('Ann') .conv-link");
      await b.waitForSelector(`${doomed} .image-preview img[alt='dot.png']`);
      await b.waitForSelector(`${doomed} .file-chip:has-text('plan.txt')`);
      await b.hover(doomed);
      await b.click("#message-actions [data-action=react][data-emoji='👍']");
      await b.waitForSelector(`${doomed} .reaction.mine`);
      await b.hover(doomed);
      await b.click("#message-actions [data-action=reply]");
      await b.fill(".composer-input", "Sounds good");
      await b.press(".composer-input", "Enter");
      await b.waitForSelector(".message:has-text('Sounds good') .reply-quote:has-text('Plans for the launch')");
      await a.waitForSelector(`${doomed} .reaction:has-text('👍')`);
    });

    const id = await b.getAttribute(doomed, "data-message-id");
    assert.ok(id);
    const item = `#message-${id}`;

    /** What Bob's page shows of the message: nothing of it but the placeholder, and nothing quoting it. */
    const assertGone = async () => {
      await b.waitForSelector(`${item}.deleted .deleted-text`);
      assert.equal(await b.locator(`${item} img`).count(), 0, "no image");
      assert.equal(await b.locator(`${item} .file-chip`).count(), 0, "no file chip");
      assert.equal(await b.locator(`${item} .attachments`).count(), 0, "no attachment box");
      assert.equal(await b.locator(`${item} .reaction`).count(), 0, "no reactions");
      assert.equal(await b.getAttribute(item, "data-content"), null, "the text is not kept in the page");
      assert.equal(await b.locator("img[alt='dot.png'], .file-chip:has-text('plan.txt')").count(), 0);
      assert.doesNotMatch(await b.textContent("#pane") ?? "", /Plans for the launch/, "not even in the reply's quote");
      assert.match(await b.textContent(item) ?? "", /deleted/i);
    };

    await t.step("Ann deletes it and Bob's open page drops the image, the file and the reactions at once", async () => {
      assert.match(await b.textContent("#live-region") ?? "", /Plans for the launch/, "announced when it arrived");
      a.once("dialog", (d) => d.accept());
      await a.hover(`${doomed}.mine`);
      await a.click("#message-actions [data-action=delete]");
      await assertGone();
      await b.waitForFunction(() => document.getElementById("live-region")?.textContent === "");
      // Ann's own page shows the same
      await a.waitForSelector(`${item}.deleted`);
      assert.equal(await a.locator(`${item} img, ${item} .file-chip, ${item} .reaction`).count(), 0);
    });

    await t.step("after a reload Bob's page shows the same placeholder", async () => {
      await b.reload();
      await waitForStream(b);
      await assertGone();
    });

    assert.deepEqual([...ann.errors, ...bob.errors], []);
  },
);
