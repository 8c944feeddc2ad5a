/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage } from "./browser.ts";
import { createConversation } from "../../chat/conversations/conversations.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

browserTest(
  "mentions: `@` suggests the conversation's people by keyboard, in the page and in the widget",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member", bea: "member", cat: "member" });
    const users = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
    // cat is in the workspace but not in the group: she is never suggested
    await createConversation(scopeOf(users.ann), {
      kind: "group",
      title: "Planning",
      participantIds: [users.bob.id, users.bea.id],
    }, deps);
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
    const [a, b] = [ann.page, bob.page];
    const options = (page = a) =>
      page.$$eval(".mention-menu:not([hidden]) [role=option]", (els) => els.map((e) => e.textContent));
    const chosen = (page = a) => page.textContent(".mention-menu:not([hidden]) [aria-selected=true] .mention-username");

    await t.step("typing @b lists the participants whose name starts with b, the first chosen", async () => {
      await a.click(".conv-row:has-text('Planning') .conv-link");
      await a.waitForSelector(".conversation h2:has-text('Planning')");
      await a.click(".composer-input");
      await a.keyboard.type("Hi @");
      await a.waitForSelector(".mention-menu:not([hidden]) [role=option]");
      assert.deepEqual(await options(), ["Bea @bea", "Bob @bob"], "everyone but me and the non-participant");
      await a.keyboard.type("b");
      await a.waitForFunction(() =>
        document.querySelectorAll(".mention-menu:not([hidden]) [role=option]").length === 2
      );
      await a.keyboard.type("o");
      await a.waitForFunction(() =>
        document.querySelectorAll(".mention-menu:not([hidden]) [role=option]").length === 1
      );
      assert.equal(await chosen(), "@bob");
    });

    await t.step("arrows move the choice, Escape closes, Enter picks without sending", async () => {
      await a.keyboard.press("Backspace");
      await a.waitForFunction(() =>
        document.querySelectorAll(".mention-menu:not([hidden]) [role=option]").length === 2
      );
      assert.equal(await chosen(), "@bea");
      await a.keyboard.press("ArrowDown");
      assert.equal(await chosen(), "@bob");
      await a.keyboard.press("ArrowDown");
      assert.equal(await chosen(), "@bea", "the choice wraps around");
      await a.keyboard.press("ArrowUp");
      assert.equal(await chosen(), "@bob");
      await a.keyboard.press("Escape");
      assert.equal(await a.isVisible(".mention-menu"), false);
      await a.keyboard.type("o");
      await a.waitForSelector(".mention-menu:not([hidden]) [role=option]");
      await a.keyboard.press("Enter");
      assert.equal(await a.inputValue(".composer-input"), "Hi @bob ");
      assert.equal(await a.isVisible(".mention-menu"), false);
      assert.equal(await a.locator(".message").count(), 0, "Enter picked, it did not send");
    });

    await t.step("Tab picks too; the message goes out and the other side sees the chips", async () => {
      await a.keyboard.type("and @B");
      await a.waitForSelector(".mention-menu:not([hidden]) [role=option]");
      await a.keyboard.press("Tab");
      await a.keyboard.type("see you");
      assert.equal(await a.inputValue(".composer-input"), "Hi @bob and @bea see you");
      await a.keyboard.press("Enter");
      await a.waitForSelector(".message.mine .mention[data-username=bea]");
      await b.click(".conv-row:has-text('Planning') .conv-link");
      const chip = await b.waitForSelector(".message .mention[data-username=bob]");
      assert.equal(await chip.textContent(), "@bob");
      assert.equal(await chip.getAttribute("title"), "Bob");
    });

    await t.step("the widget's composer suggests the same way", async () => {
      await b.goto(`${server.url}/widget`);
      await b.click("#chat-bar");
      await b.click("#tab-chats .conv-row:has-text('Planning') .conv-link");
      await b.waitForSelector("#tab-chat .composer-input");
      await b.click("#tab-chat .composer-input");
      await b.keyboard.type("ping @an");
      await b.waitForSelector(".mention-menu:not([hidden]) [role=option]");
      assert.deepEqual(await options(b), ["Ann @ann"]);
      await b.keyboard.press("Enter");
      await b.keyboard.press("Enter");
      await a.waitForSelector(".message .mention[data-username=ann]:text('@ann')");
    });

    assert.deepEqual(ann.errors, []);
    assert.deepEqual(bob.errors, []);
  },
);
