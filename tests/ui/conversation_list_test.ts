/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signedInPage } from "./browser.ts";
import { createConversation } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

const titles = (page: Page) =>
  page.$$eval("#conv-list > .conv-row .conv-title", (els) => els.map((e) => e.textContent));

browserTest(
  "the conversation list loads older conversations as it scrolls, and one that comes alive shows on top",
  async (t, { server, browser }) => {
    const people: Record<string, "member"> = { bob: "member" };
    for (let i = 0; i < 8; i++) people[`m${i}`] = "member";
    const acme = await server.seed("acme", people);
    const users = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
    const created: { id: string; title: string }[] = [];
    for (let n = 0; n < 120; n++) {
      const title = `Group ${String(n).padStart(3, "0")}`;
      const group = await createConversation(scopeOf(users[`m${n % 8}`]), {
        kind: "group",
        title,
        participantIds: [users.bob.id],
      }, deps);
      created.push({ id: group.id, title });
    }
    const newestFirst = created.slice().reverse().map((c) => c.title);
    const bob = await signedInPage(
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      server.url,
      "acme",
      "bob@acme.test",
    );
    const b = bob.page;

    await t.step("the first page holds the 50 newest", async () => {
      assert.deepEqual(await titles(b), newestFirst.slice(0, 50));
      assert.equal(await b.locator("#conv-list > .conv-more").count(), 1);
    });

    await t.step("a message in a conversation not loaded yet brings it to the top", async () => {
      await sendMessage(scopeOf(users.m0), created[0].id, { content: "Anyone still here?" }, deps);
      await b.waitForSelector(
        "#conv-list > .conv-row:first-child:has-text('Group 000'):has-text('Anyone still here?')",
      );
      assert.equal(await b.locator("#conv-list > .conv-row").count(), 51);
    });

    await t.step("a message in a loaded conversation moves it to the top", async () => {
      await sendMessage(scopeOf(users.m5), created[85].id, { content: "Back to this one" }, deps);
      await b.waitForSelector("#conv-list > .conv-row:first-child:has-text('Group 085')");
      assert.deepEqual((await titles(b)).slice(0, 2), ["Group 085", "Group 000"]);
    });

    await t.step("scrolling down loads the older pages, each conversation once, in order", async () => {
      await b.hover("#conv-list > .conv-row:first-child");
      for (let i = 0; i < 60 && await b.locator("#conv-list > .conv-more").count() > 0; i++) {
        await b.mouse.wheel(0, 1500);
        await b.waitForTimeout(100);
      }
      const expected = ["Group 085", "Group 000", ...newestFirst.filter((x) => x !== "Group 085" && x !== "Group 000")];

      assert.equal(await b.locator("#conv-list > .conv-more").count(), 0, "the last page ends the loading");
      assert.deepEqual(await titles(b), expected);
    });

    assert.deepEqual(bob.errors, []);
  },
);
