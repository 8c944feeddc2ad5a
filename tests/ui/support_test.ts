/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, PASSWORD, signedInPage, waitForStream } from "./browser.ts";

const BOT = {
  enabled: true,
  name: "Helper",
  greeting: "Hi! I am the Helper bot.",
  business_hours: null,
  canned_replies: [{ keywords: ["price"], reply: "Plans start at $10." }],
  forbidden_topics: [],
  handoff_keywords: ["human"],
  handoff_message: "Connecting you with a person.",
};

browserTest(
  "a client contacts support, gets the greeting and a canned reply, asks for a human, and an agent claims it live",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", dan: "guest" });
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workspace: "acme", email: "ann@acme.test", password: PASSWORD }),
    }).then((r) => r.json());
    const put = await fetch(`${server.url}/api/admin/settings`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ support_bot: BOT }),
    });
    assert.equal(put.status, 200);
    await put.body?.cancel();
    const desktop = { viewport: { width: 1280, height: 800 } };
    const client = (await signedInPage(await browser.newContext(desktop), server.url, "acme", "dan@acme.test")).page;
    const agent = (await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test")).page;

    await t.step("a guest has Contact support but no Support view; an agent's queue starts empty", async () => {
      assert.equal(await client.locator("a.support-link").count(), 0);
      await agent.click("a.support-link");
      await agent.waitForSelector("#support-queue", { state: "attached" });
      assert.equal(await agent.locator("#support-queue li").count(), 0);
      await waitForStream(agent);
    });

    await t.step(
      "Contact support opens the chat with the bot's greeting; a keyword gets its canned reply",
      async () => {
        await client.click(".support-open button");
        await client.waitForSelector(".message:has-text('Hi! I am the Helper bot.')");
        await waitForStream(client);
        await client.fill(".composer-input", "What is the PRICE?");
        await client.press(".composer-input", "Enter");
        await client.waitForSelector(".message:has-text('Plans start at $10.')");
      },
    );

    await t.step("asking for a human hands off: the agent's queue shows the client live", async () => {
      await client.fill(".composer-input", "I want a human");
      await client.press(".composer-input", "Enter");
      await client.waitForSelector(".message:has-text('Connecting you with a person.')");
      await agent.waitForSelector("#support-queue li:has-text('Dan')");
    });

    await t.step("the agent claims it, lands in the chat, and the conversation goes on live", async () => {
      await agent.click("#support-queue li:has-text('Dan') .support-claim button");
      await agent.waitForURL(/\/c\//);
      await agent.waitForSelector(".message:has-text('I want a human')");
      await waitForStream(agent);
      await client.waitForSelector(".message:has-text('Bob joined')");
      await agent.fill(".composer-input", "Hi Dan, Bob here");
      await agent.press(".composer-input", "Enter");
      await client.waitForSelector(".message:has-text('Hi Dan, Bob here')");
      await client.fill(".composer-input", "Thanks Bob");
      await client.press(".composer-input", "Enter");
      await agent.waitForSelector(".message:has-text('Thanks Bob')");
      assert.equal(
        await client.locator(".message:has-text('Connecting you with a person.')").count(),
        1,
        "the bot is silent",
      );
    });
  },
);
