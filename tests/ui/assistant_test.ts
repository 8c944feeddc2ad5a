/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, screenshot, signedInPage } from "./browser.ts";
import { startFakeOpenAi } from "../bots/fake_openai.ts";

const TOKENS = Array.from({ length: 30 }, (_, i) => `word${i} `);
let fake: ReturnType<typeof startFakeOpenAi>;

browserTest(
  "an assistant answer grows live on screen, then stands complete",
  async (_t, { server, browser }) => {
    try {
      await server.seed("acme", {});
      const { page, errors } = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");

      await page.click("button.ask-assistant");
      await page.waitForSelector(".conversation .composer");
      await page.fill(".composer-input", "Write a long answer");
      await page.press(".composer-input", "Enter");

      const body = ".message.kind-bot .message-body";
      await page.waitForSelector(".message.kind-bot.bot-streaming");
      // the text is seen growing while the answer streams
      const lengths: number[] = [];
      while (lengths.length < 200) {
        const streaming = await page.$(".message.kind-bot.bot-streaming");
        lengths.push(((await page.textContent(body)) ?? "").length);
        if (!streaming) break;
        await page.waitForTimeout(25);
      }
      await page.waitForSelector(".message.kind-bot.bot-complete");
      const partials = new Set(lengths.filter((n) => n > 0 && n < TOKENS.join("").trim().length));
      assert.ok(partials.size >= 2, `saw the text at ${[...partials].join(", ")} characters only`);
      for (let i = 1; i < lengths.length; i++) assert.ok(lengths[i] >= lengths[i - 1], "the text never shrinks");
      assert.equal((await page.textContent(body))?.trim(), TOKENS.join("").trim());
      assert.equal(await page.textContent(".message.kind-bot .bot-badge"), "BOT");
      await screenshot(page, "assistant_answer");
      assert.deepEqual(errors, []);
    } finally {
      await fake.close();
    }
  },
  {
    env: () => {
      fake = startFakeOpenAi({ tokens: TOKENS, intervalMs: 60 });
      return { AI_BASE_URL: fake.url };
    },
  },
);
