/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, screenshot, signedInPage, waitForStream } from "./browser.ts";
import { createUser, openSession } from "../../chat/accounts/accounts.ts";
import type { TenantId } from "../../chat/tenancy.ts";

browserTest(
  "two people chat live in the browser: messages, unread badges, typing, read ticks, replies, edits, deletes, reactions",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member" });
    const desktop = { viewport: { width: 1280, height: 800 } };
    const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
    const a = ann.page;
    const b = bob.page;

    await t.step("a message sent by Ann appears live for Bob with an unread badge and title count", async () => {
      await a.click(".person-button:has-text('Bob')");
      await a.waitForSelector(".conversation .composer");
      await a.fill(".composer-input", "Hello **Bob**, see https://example.com");
      await a.press(".composer-input", "Enter");
      await a.waitForSelector(".message.mine:has-text('Hello Bob')");

      await b.waitForSelector(".conv-row:has-text('Ann') .badge:not(.empty)");
      assert.equal((await b.textContent(".conv-row:has-text('Ann') .badge"))?.trim(), "1");
      await b.waitForFunction(() => document.title.startsWith("(1)"));
    });

    await t.step("opening the conversation clears the badge and the title count, and Ann sees it read", async () => {
      await b.click(".conv-row:has-text('Ann') .conv-link");
      await b.waitForSelector(".message:has-text('Hello Bob') strong");
      assert.equal(
        await b.getAttribute(".message a[href='https://example.com']", "rel"),
        "noopener noreferrer nofollow",
      );
      await b.waitForFunction(() => !document.title.startsWith("("));
      await b.waitForSelector(".conv-row:has-text('Ann') .badge.empty", { state: "attached" });
      await a.waitForSelector(".message.mine[data-status='read']");
    });

    await t.step("typing shows on the other side and goes away when the message arrives", async () => {
      await b.type(".composer-input", "Hi Ann");
      await a.waitForSelector(".typing.active:has-text('Bob')");
      await b.press(".composer-input", "Enter");
      await a.waitForSelector(".message:not(.mine):has-text('Hi Ann')");
      await a.waitForSelector(".typing:not(.active)");
    });

    await t.step("a reply quotes its parent on both sides", async () => {
      await a.hover(".message:has-text('Hi Ann')");
      await a.click("#message-actions [data-action=reply]");
      await a.fill(".composer-input", "Replying here");
      await a.press(".composer-input", "Enter");
      await b.waitForSelector(".message:has-text('Replying here') .reply-quote:has-text('Hi Ann')");
    });

    await t.step("an edit and a reaction reflect live", async () => {
      await a.hover(".message.mine:has-text('Replying here')");
      await a.click("#message-actions [data-action=edit]");
      await a.fill(".composer-input", "Replying here, edited");
      await a.press(".composer-input", "Enter");
      await b.waitForSelector(".message:has-text('Replying here, edited') .edited");
      // the edited message is the latest, so both conversation rows preview the new text
      await b.waitForSelector(".conv-row:has-text('Ann') .conv-preview:has-text('Replying here, edited')");
      await a.waitForSelector(".conv-row:has-text('Bob') .conv-preview:has-text('Replying here, edited')");
      assert.equal(await b.isVisible(".conv-row:has-text('Ann') .conv-sender"), false, "no name in a direct row");

      await b.hover(".message:has-text('Replying here, edited')");
      await b.click("#message-actions [data-action=react][data-emoji='👍']");
      await a.waitForSelector(".message:has-text('Replying here, edited') .reaction:has-text('👍')");
      await b.waitForSelector(".message:has-text('Replying here, edited') .reaction.mine");
    });

    await t.step("a delete reflects live and leaves no content behind", async () => {
      a.once("dialog", (d) => d.accept());
      await a.hover(".message.mine:has-text('Hello Bob')");
      await a.click("#message-actions [data-action=delete]");
      await b.waitForSelector(".message .deleted-text");
      assert.equal(await b.locator(".message:has-text('Hello Bob')").count(), 0);
      // an older message went, so the row keeps previewing the latest one
      assert.match(await b.textContent(".conv-row:has-text('Ann') .conv-preview") ?? "", /Replying here, edited/);
    });

    await t.step("when a crowd comes online at once, the page refetches presence and every dot turns on", async () => {
      const { runtime } = server;
      const db = runtime.database.db;
      const tenantId = acme.tenant.id as TenantId;
      const crowd = [];
      for (let i = 0; i < 120; i++) {
        crowd.push(
          await createUser(db, { tenantId, db }, { name: `Crowd ${i}`, email: `crowd${i}@acme.test`, role: "member" }),
        );
      }
      await a.reload();
      await waitForStream(a);
      await a.waitForSelector(`.presence-${crowd[119].id}:not(.online)`, { state: "attached" });
      const refetched = a.waitForRequest((r) => r.url().includes("/api/chat/conversations/presence"));
      // API activity puts them online: more than a tick's worth of changes for one list
      await Promise.all(crowd.map(async (user) => {
        const token = await openSession(db, runtime.keys, user);
        const r = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
        await r.body?.cancel();
      }));
      await refetched;
      await a.waitForFunction(
        (ids) => ids.every((id) => document.querySelector(`.presence-${id}`)?.classList.contains("online")),
        crowd.map((u) => u.id),
        { timeout: 10_000 },
      );
    });

    await screenshot(a, "desktop");
    assert.deepEqual([...ann.errors, ...bob.errors], []);
  },
);
