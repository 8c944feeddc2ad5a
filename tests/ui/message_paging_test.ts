/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage } from "./browser.ts";
import { createConversation } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

browserTest(
  "scrolling up a long conversation loads its older messages, each once and in order, and drafts stay per conversation",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member" });
    const users = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
    const group = await createConversation(scopeOf(users.ann), {
      kind: "group",
      title: "History",
      participantIds: [users.bob.id],
    }, deps);
    const texts = Array.from({ length: 100 }, (_, i) => `Note ${String(i).padStart(3, "0")}`);
    for (const [i, content] of texts.entries()) {
      await sendMessage(scopeOf(i % 2 ? users.bob : users.ann), group.id, { content }, deps);
    }
    const bob = await signedInPage(
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      server.url,
      "acme",
      "bob@acme.test",
    );
    const b = bob.page;
    const shown = () =>
      b.$$eval(".message-list .message .message-body", (els) => els.map((e) => e.textContent?.trim()));

    await t.step("the newest page shows first, at the bottom", async () => {
      await b.click(".conv-row:has-text('History') .conv-link");
      await b.waitForSelector(".message:has-text('Note 099')");
      assert.deepEqual(await shown(), texts.slice(60));
    });

    await t.step("scrolling to the top loads older pages above, until the first message", async () => {
      await b.hover(".message-scroller");
      for (let i = 0; i < 40 && await b.locator(".load-older").count() > 0; i++) {
        await b.mouse.wheel(0, -3000);
        await b.waitForTimeout(100);
      }
      assert.equal(await b.locator(".load-older").count(), 0, "the first page ends the loading");
      assert.deepEqual(await shown(), texts);
    });

    await t.step("a draft left in one conversation is there again when it is reopened", async () => {
      await b.fill(".composer-input", "Half a thought");
      await b.click(".person-button:has-text('Ann')");
      await b.waitForSelector(".conversation.kind-direct .composer-input");
      assert.equal(await b.inputValue(".composer-input"), "");
      await b.click(".conv-row:has-text('History') .conv-link");
      await b.waitForSelector(".conversation h2:has-text('History')");
      assert.equal(await b.inputValue(".composer-input"), "Half a thought");
    });

    assert.deepEqual(bob.errors, []);
  },
);
