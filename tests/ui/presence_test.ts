/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage } from "./browser.ts";
import type { User } from "../../db/schema/mod.ts";

browserTest(
  "a closed tab shows offline once the grace period is over, and signing out shows offline at once",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member", carol: "member" });
    const { bob, carol } = acme.users as Record<string, User>;
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const a = ann.page;
    const dot = (user: User) => `.people-list .presence-${user.id}`;

    await t.step("closing the last tab: offline within the grace period (5 s here), not minutes later", async () => {
      const bobCtx = await browser.newContext();
      const bobPage = await signedInPage(bobCtx, server.url, "acme", "bob@acme.test");
      // a visit does things: its requests used to keep the user online for two minutes
      await bobPage.page.click(".person-button:has-text('Ann')");
      await bobPage.page.waitForSelector(".conversation .composer");
      await a.waitForSelector(`${dot(bob)}.online`, { state: "attached" });

      await bobCtx.close();
      await a.waitForSelector(`${dot(bob)}:not(.online)`, { state: "attached", timeout: 15_000 });
    });

    await t.step("signing out: offline without waiting for the grace period", async () => {
      const carolPage = await signedInPage(await browser.newContext(), server.url, "acme", "carol@acme.test");
      await a.waitForSelector(`${dot(carol)}.online`, { state: "attached" });

      await carolPage.page.click(".topbar form[action='/logout'] button");
      await carolPage.page.waitForURL(/\/login/);
      // the grace period is 5 s: an offline seen within 4 s did not wait for it
      await a.waitForSelector(`${dot(carol)}:not(.online)`, { state: "attached", timeout: 4_000 });
    });

    assert.deepEqual(ann.errors, []);
  },
);
