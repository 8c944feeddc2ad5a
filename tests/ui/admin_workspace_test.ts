/// <reference lib="dom" />
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signedInPage } from "./browser.ts";

/** `GET /api/admin/settings` with the page's own session. */
async function settingsSeenBy(page: Page, base: string) {
  const res = await page.request.get(`${base}/api/admin/settings`);
  assert.equal(res.status(), 200);
  return await res.json();
}

browserTest(
  "an admin changes settings through the form, filters the audit log, and people manage a group from its pane",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member", cat: "member" });
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const cat = await signedInPage(await browser.newContext(), server.url, "acme", "cat@acme.test");
    const [a, b, c] = [ann.page, bob.page, cat.page];

    await t.step("a setting changed in the form persists; the accent colour reaches the app", async () => {
      await a.goto(`${server.url}/admin/workspace`);
      assert.match(await a.textContent(".workspace-slug") ?? "", /acme/);
      assert.match(await a.inputValue(".sign-in-url"), /\/login\?workspace=acme$/);
      await a.fill("#setting-edit_window_minutes", "42");
      await a.click("#settings-messages button[type=submit]");
      await a.waitForSelector("#settings-messages .saved-note");
      await a.fill("#setting-messages_per_min", "12");
      await a.click("#settings-limits button[type=submit]");
      await a.waitForSelector("#settings-limits .saved-note");
      const saved = await settingsSeenBy(a, server.url);
      assert.equal(saved.edit_window_minutes, 42);
      assert.equal(saved.messages_per_min, 12);

      await a.fill("#branding input[type=color]", "#cc3300");
      await a.click("#branding form:first-of-type button[type=submit]");
      await a.waitForSelector("#branding .saved-note");
      await a.goto(`${server.url}/`);
      const brand = await a.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()
      );
      assert.equal(brand, "#cc3300");
      assert.equal((await settingsSeenBy(a, server.url)).branding.primary_color, "#cc3300");
    });

    await t.step("the new-group form starts over after creating; owners rename and add, members leave", async () => {
      await a.click(".new-group summary");
      await a.fill(".new-group input[name=title]", "Plans");
      await a.check(".new-group label:has-text('Bob') input");
      await a.click(".new-group button[type=submit]");
      await a.waitForSelector(".conversation h2:has-text('Plans')");
      assert.equal(await a.getAttribute("#new-group", "open"), null, "the form is closed");
      assert.equal(await a.inputValue(".new-group input[name=title]"), "");
      assert.equal(await a.isChecked(".new-group label:has-text('Bob') input"), false);

      await a.click(".conversation .group-manage summary");
      await a.fill(".rename-form input[name=title]", "Plans for May");
      await a.click(".rename-form button[type=submit]");
      await a.waitForSelector(".conversation h2:has-text('Plans for May')");
      await b.waitForSelector(".conv-row:has-text('Plans for May')");

      await a.click(".conversation .group-manage summary");
      await a.check(".add-members-form label:has-text('Cat') input");
      await a.click(".add-members-form button[type=submit]");
      await c.waitForSelector(".conv-row:has-text('Plans for May')");

      await b.click(".conv-row:has-text('Plans for May') .conv-link");
      await b.waitForSelector(".conversation h2:has-text('Plans for May')");
      await b.click(".conversation .group-manage summary");
      await b.waitForSelector(".group-manage-panel .leave-button");
      assert.equal(await b.isVisible(".rename-form"), false, "a member cannot rename");
      b.once("dialog", (d) => d.accept());
      await b.click(".group-manage-panel .leave-button");
      await b.waitForURL(`${server.url}/`);
      await b.waitForSelector("#event-stream", { state: "attached" });
      assert.equal(await b.isVisible(".conv-row:has-text('Plans for May')"), false);
      const group = await a.request.get(`${server.url}/api/chat/conversations`);
      const plans = (await group.json()).find((conv: { title: string }) => conv.title === "Plans for May");
      assert.deepEqual(plans.participants.map((p: { name: string }) => p.name).sort(), ["Ann", "Cat"]);
    });

    await t.step("the audit filter narrows the rows, and the downloads carry the filter", async () => {
      await a.goto(`${server.url}/admin/audit`);
      const all = await a.locator(".audit-row").count();
      await a.fill(".audit-filter input[name=action]", "settings.updated");
      await a.click(".audit-filter button[type=submit]");
      await a.waitForURL(/action=settings\.updated/);
      const rows = await a.locator(".audit-row").evaluateAll((els) => els.map((el) => el.getAttribute("data-action")));
      assert.ok(rows.length >= 3 && rows.length < all, `${rows.length} of ${all} rows`);
      assert.deepEqual(new Set(rows), new Set(["settings.updated"]));
      const csv = await a.getAttribute(".audit-downloads a:has-text('CSV')", "href");
      assert.match(csv ?? "", /action=settings\.updated/);
      const download = await a.request.get(`${server.url}${csv}`);
      const lines = (await download.text()).trim().split("\n");
      assert.equal(lines.length, rows.length + 1, "a header and one line per row");

      await a.selectOption(".audit-filter select[name=actor_id]", { label: "Bob" });
      await a.fill(".audit-filter input[name=action]", "");
      await a.click(".audit-filter button[type=submit]");
      await a.waitForURL(/actor_id=/);
      const bobs = await a.locator(".audit-row .audit-actor").allTextContents();
      assert.ok(bobs.length > 0);
      assert.deepEqual(new Set(bobs), new Set(["Bob"]));
    });

    for (const { page, errors } of [ann, bob, cat]) assert.deepEqual(errors, [], page.url());
  },
);
