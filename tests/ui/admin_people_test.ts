/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, signedInPage, watchedPage } from "./browser.ts";

browserTest(
  "an admin invites someone who signs up through the link, and role changes decide who reaches /admin",
  async (t, { server, browser }) => {
    const { users: seeded } = await server.seed("acme", { bob: "member", cat: "member" });
    const users = seeded as unknown as Record<"ann" | "bob" | "cat", { id: string }>;
    const ann = await signedInPage(await browser.newContext(), server.url, "acme", "ann@acme.test");
    const bob = await signedInPage(await browser.newContext(), server.url, "acme", "bob@acme.test");
    const a = ann.page;

    await t.step("invite → copy the link → the invitee signs up through it and appears in People", async () => {
      await a.click("a.admin-link");
      await a.waitForSelector("h1:has-text('People')");
      await a.fill("#invite input[name=name]", "Frank");
      await a.fill("#invite input[name=email]", "frank@acme.test");
      await a.selectOption("#invite select[name=role]", "guest");
      await a.click("#invite button[type=submit]");
      const link = await (await a.waitForSelector("#invite input.invite-url")).inputValue();
      assert.match(link, /\/invite\/[\w-]+\.[\w-]+\.[\w-]+$/);
      // the new row shows at once, before the invitee has done anything
      await a.waitForSelector("#people-rows tr[data-email='frank@acme.test']");
      assert.equal(await a.inputValue("#invite input[name=email]"), "", "the form starts over");

      const frank = await watchedPage(await browser.newContext());
      await frank.page.goto(`${server.url}${new URL(link).pathname}`);
      assert.equal(await frank.page.inputValue("input[name=name]"), "Frank");
      await frank.page.fill("input[name=password]", "franks own password");
      await frank.page.click("button[type=submit]");
      await frank.page.waitForSelector("#event-stream", { state: "attached" });
      assert.equal(await frank.page.isVisible("a.admin-link"), false, "a guest sees no Admin link");
      assert.deepEqual(frank.errors, []);

      await a.reload();
      await a.fill("input[type=search]", "frank");
      await a.waitForFunction(() => document.querySelectorAll("#people-rows tr.person-row").length === 1);
      const row = "#people-rows tr[data-email='frank@acme.test']";
      assert.equal(await a.inputValue(`${row} select[name=role]`), "guest");
      assert.match(await a.textContent(`${row} .person-state`) ?? "", /Active/);
    });

    await t.step("a member is refused /admin; promoted, they reach it; demoted again, refused", async () => {
      const refused = await bob.page.goto(`${server.url}/admin`);
      assert.equal(refused?.status(), 403);

      const row = `#user-${users.bob.id}`;
      await a.fill("input[type=search]", "");
      await a.waitForSelector(row);
      await a.selectOption(`${row} select[name=role]`, "admin");
      await a.waitForSelector(`${row} option[value=admin][selected]`, { state: "attached" });
      const admitted = await bob.page.goto(`${server.url}/admin`);
      assert.equal(admitted?.status(), 200);
      await bob.page.waitForSelector("h1:has-text('People')");

      await a.selectOption(`${row} select[name=role]`, "member");
      await a.waitForSelector(`${row} option[value=member][selected]`, { state: "attached" });
      const again = await bob.page.goto(`${server.url}/admin/workspace`);
      assert.equal(again?.status(), 403);
      const cat = await signedInPage(await browser.newContext(), server.url, "acme", "cat@acme.test");
      assert.equal(await cat.page.isVisible("a.admin-link"), false);
      assert.equal((await cat.page.goto(`${server.url}/admin/audit`))?.status(), 403);
    });

    await t.step("deactivate and reactivate someone; a reset link lets them set a new password, once", async () => {
      const row = `#user-${users.cat.id}`;
      await a.click(`${row} button.toggle-active`);
      await a.waitForSelector(`${row}.inactive`);
      await a.click(`${row} button.toggle-active`);
      await a.waitForSelector(`${row}:not(.inactive) button.reset-link`);
      await a.click(`${row} button.reset-link`);
      const link = await (await a.waitForSelector(`#reset-${users.cat.id} input.reset-url`)).inputValue();

      const cat = await watchedPage(await browser.newContext());
      await cat.page.goto(`${server.url}${new URL(link).pathname}`);
      await cat.page.fill("input[name=password]", "cats new password");
      await cat.page.click("button[type=submit]");
      await cat.page.waitForSelector("#event-stream", { state: "attached" });
      const used = await cat.page.goto(`${server.url}${new URL(link).pathname}`);
      assert.equal(used?.status(), 404, "the link works once");
    });

    assert.deepEqual(ann.errors, []);
  },
);
