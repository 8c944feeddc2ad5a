/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { eq } from "drizzle-orm";
import { browserTest, screenshot, signedInPage } from "./browser.ts";
import { messages } from "../../db/schema/mod.ts";

const SEND = "**/ui/conversations/*/messages";
const clientIdOf = (body: string | null) => body?.match(/name="client_id"\r\n\r\n([^\r]+)/)?.[1];

browserTest(
  "a failed send shows as not sent and its retry never doubles it; refused files are named and removed",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    const db = server.runtime.database.db;
    const stored = async (content: string) => (await db.select().from(messages).where(eq(messages.content, content)));
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const a = ann.page;
    await a.click(".person-button:has-text('Bob')");
    await a.waitForSelector(".conversation .composer");

    await t.step("a send whose answer is lost shows 'Not sent'; the retry sends the same client id", async () => {
      const sent: (string | undefined)[] = [];
      await a.route(SEND, async (route) => {
        sent.push(clientIdOf(route.request().postData()));
        // the server stores it, the answer never arrives
        await route.fetch();
        await route.abort("connectionreset");
      });
      await a.fill(".composer-input", "Lost on the way back");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".unsent:has-text('Lost on the way back') .unsent-state:has-text('Not sent')");
      assert.equal(await a.inputValue(".composer-input"), "");

      await a.unroute(SEND);
      const retried = a.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/messages"));
      await a.click(".unsent .retry-send");
      sent.push(clientIdOf((await retried).postData()));
      await a.waitForSelector(".message.mine:has-text('Lost on the way back')");
      await a.waitForSelector(".unsent", { state: "detached" });

      assert.ok(sent[0]);
      assert.equal(sent[1], sent[0]);
      assert.equal((await stored("Lost on the way back")).length, 1);
      assert.equal(await a.locator(".message:has-text('Lost on the way back')").count(), 1);
    });

    await t.step("a server error shows 'Not sent' too, and the retry sends it once", async () => {
      await a.route(SEND, (route) => route.fulfill({ status: 503, body: "unavailable" }));
      await a.fill(".composer-input", "Sent while the server struggled");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".unsent:has-text('Sent while the server struggled')");
      assert.equal((await stored("Sent while the server struggled")).length, 0);

      await a.unroute(SEND);
      await a.click(".unsent .retry-send");
      await a.waitForSelector(".message.mine:has-text('Sent while the server struggled')");
      await a.waitForSelector(".unsent", { state: "detached" });
      assert.equal((await stored("Sent while the server struggled")).length, 1);
      assert.equal(await a.locator(".message:has-text('Sent while the server struggled')").count(), 1);
    });

    await t.step("a file type that is not allowed is named, and leaves the composer", async () => {
      const exe = Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, 0xb8, 0, 0, 0]);
      await a.setInputFiles(".file-input", { name: "tool.exe", mimeType: "application/octet-stream", buffer: exe });
      await a.waitForSelector(".file-list li:has-text('tool.exe')");
      await a.fill(".composer-input", "Here is the tool");
      await a.press(".composer-input", "Enter");

      await a.waitForSelector(".toast:has-text('“tool.exe” was not sent: that type of file is not allowed.')");
      await a.waitForSelector(".file-list li", { state: "detached" });
      assert.equal(await a.inputValue(".composer-input"), "Here is the tool");
    });

    await t.step("a file over the limit is refused before it is sent, naming the limit in MB", async () => {
      let posted = 0;
      a.on("request", (r) => r.method() === "POST" && r.url().endsWith("/messages") && posted++);
      const big = Buffer.alloc(1536 * 1024, 7);
      await a.setInputFiles(".file-input", { name: "big.bin", mimeType: "application/octet-stream", buffer: big });

      await a.waitForSelector(".composer-notice:has-text('“big.bin” is too large: the limit is 1 MB.')");
      assert.equal(await a.locator(".file-list li").count(), 0);
      assert.equal(posted, 0);
    });

    await screenshot(a, "send-failures");
    const expectedNoise = (e: string) => !/Failed to load resource|ERR_CONNECTION_RESET|Failed to fetch/.test(e);
    assert.deepEqual(ann.errors.filter(expectedNoise), []);
  },
  { env: () => ({ MAX_UPLOAD_MB: "1" }) },
);
