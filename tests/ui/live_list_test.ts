/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signedInPage } from "./browser.ts";
import { openSession } from "../../chat/accounts/accounts.ts";
import { createConversation, startDirect } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

const rowTitles = (page: Page) =>
  page.$$eval("#conv-list > .conv-row .conv-title", (els) => els.map((e) => e.textContent));

browserTest(
  "the conversation list follows activity live, newest first as the API lists it; new channels can be joined at once",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member", carol: "member", gus: "guest" });
    const { ann, bob, carol } = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
    const apiTitles = async (user: User) => {
      const token = await openSession(deps.database.db, deps.keys, user);
      const r = await fetch(`${server.url}/api/chat/conversations`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { title: string }[]).map((c) => c.title);
    };
    const bobPage = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const guestPage = await signedInPage(await browser.newContext(), server.url, "acme", "gus@acme.test");
    const b = bobPage.page;

    await t.step("new conversations and new activity move to the top, in the API's order", async () => {
      const plans = await createConversation(scopeOf(carol), {
        kind: "group",
        title: "Plans",
        participantIds: [bob.id],
      }, deps);
      await b.waitForSelector("#conv-list > .conv-row:first-child:has-text('Plans')");
      const direct = (await startDirect(scopeOf(ann), bob.id, deps)).conversation;
      await sendMessage(scopeOf(ann), direct.id, { content: "Morning" }, deps);
      await b.waitForSelector("#conv-list > .conv-row:first-child:has-text('Ann')");
      await sendMessage(scopeOf(carol), plans.id, { content: "Friday?" }, deps);
      await b.waitForSelector("#conv-list > .conv-row:first-child:has-text('Plans')");

      assert.deepEqual(await rowTitles(b), ["Plans", "Ann"]);
      assert.deepEqual(await apiTitles(bob), ["Plans", "Ann"]);
    });

    await t.step(
      "a channel opened by someone else shows in 'Join a channel' at once, and joining opens it",
      async () => {
        assert.equal(await b.isVisible(".join-channel"), false, "no channel yet: nothing to join");
        await createConversation(scopeOf(ann), { kind: "channel", title: "Announcements", participantIds: [] }, deps);
        await b.waitForSelector(".join-channel:visible");
        await b.click(".join-channel summary");
        await b.click(".channel-list button:has-text('Announcements')");
        await b.waitForSelector(".conversation[data-title='Announcements']");
        await b.waitForSelector("#conv-list > .conv-row:first-child:has-text('Announcements')");
        await b.waitForSelector(".channel-list li:has-text('Announcements')", { state: "detached" });
        assert.equal((await apiTitles(bob))[0], "Announcements");
      },
    );

    await t.step("a guest, who cannot join channels, is not told of them", async () => {
      await createConversation(scopeOf(ann), { kind: "channel", title: "Staff only", participantIds: [] }, deps);
      await b.waitForSelector(".channel-list li:has-text('Staff only')", { state: "attached" });
      assert.equal(await guestPage.page.locator(".channel-list").count(), 1, "the guest's page has the list");
      assert.equal(await guestPage.page.locator("text=Staff only").count(), 0);
    });

    assert.deepEqual([...bobPage.errors, ...guestPage.errors], []);
  },
);
