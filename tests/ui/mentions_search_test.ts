/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, screenshot, signedInPage } from "./browser.ts";
import { createConversation } from "../../chat/conversations/conversations.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { editMessage } from "../../chat/messages/changes.ts";
import { setConversationFlag } from "../../chat/conversations/membership.ts";
import { updateAdminSettings } from "../../chat/workspace_settings.ts";
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
      await screenshot(a, "mention-suggestions");
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
      await a.waitForSelector(".mention-menu[data-q=bo]:not([hidden]) [role=option]");
      await a.keyboard.press("Enter");
      assert.equal(await a.inputValue(".composer-input"), "Hi @bob ");
      assert.equal(await a.isVisible(".mention-menu"), false);
      assert.equal(await a.locator(".message").count(), 0, "Enter picked, it did not send");
    });

    await t.step("Tab picks too; the message goes out and the other side sees the chips", async () => {
      await a.keyboard.type("and @B");
      await a.waitForSelector(".mention-menu[data-q=B]:not([hidden]) [role=option]");
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
      await b.waitForSelector(".mention-menu[data-q=an]:not([hidden]) [role=option]");
      assert.deepEqual(await options(b), ["Ann @ann"]);
      await b.keyboard.press("Enter");
      await b.keyboard.press("Enter");
      await a.waitForSelector(".message .mention[data-username=ann]:text('@ann')");
    });

    assert.deepEqual(ann.errors, []);
    assert.deepEqual(bob.errors, []);
  },
);

browserTest(
  "search: results show the highlight, the conversation and the time; a click opens the conversation at an old message",
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
    const texts = Array.from({ length: 120 }, (_, i) => `Note ${String(i).padStart(3, "0")}`);
    texts[10] = "The <script>alert(1)</script> informação about the quarterly report";
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

    await t.step(
      "typing a word without its accents lists the message, its match marked and the rest escaped",
      async () => {
        await b.fill(".search-form input[name=q]", "informacao");
        const item = await b.waitForSelector(".found-item");
        assert.equal(await b.locator(".found-item").count(), 1);
        assert.equal(await item.$eval("mark", (e) => e.textContent), "informação");
        assert.match(
          await item.$eval(".found-text", (e) => e.textContent ?? ""),
          /<script>alert\(1\)<\/script> informação/,
        );
        assert.equal(await b.locator(".found-list script").count(), 0, "the excerpt is text, never markup");
        assert.match(await item.$eval(".found-where", (e) => e.textContent ?? ""), /History/);
        assert.match(await item.$eval("time", (e) => e.textContent ?? ""), /\d/);
        await screenshot(b, "search-results");
      },
    );

    await t.step(
      "a click opens the conversation centred on that message, highlighted, newer pages not yet loaded",
      async () => {
        await b.click(".found-link");
        const focused = await b.waitForSelector(".message.focused");
        assert.match(await focused.textContent() ?? "", /quarterly report/);
        assert.equal(
          await b.locator(".message:has-text('Note 119')").count(),
          0,
          "the newest page is not the one shown",
        );
        const [box, pane] = [await focused.boundingBox(), await b.locator(".message-scroller").boundingBox()];
        assert.ok(
          box && pane && box.y >= pane.y && box.y + box.height <= pane.y + pane.height,
          "the message is in view",
        );
        assert.equal(new URL(b.url()).pathname, `/c/${group.id}`);
        await screenshot(b, "search-opened");
      },
    );

    await t.step("scrolling down loads the newer messages, each once and in order", async () => {
      await b.hover(".message-scroller");
      for (let i = 0; i < 40 && await b.locator(".load-newer").count() > 0; i++) {
        await b.mouse.wheel(0, 3000);
        await b.waitForTimeout(100);
      }
      assert.equal(await b.locator(".load-newer").count(), 0, "the newest page ends the loading");
      const all = await shown();
      assert.deepEqual(all, texts.slice(texts.length - all.length), "a contiguous run up to the newest");
      assert.ok(all.length > 40);
    });

    await t.step("a search with no match says so, and the results close", async () => {
      await b.fill(".search-form input[name=q]", "zebra");
      await b.waitForSelector(".found-list .empty-note:has-text('zebra')");
      await b.click(".found-close");
      await b.waitForSelector(".found-list", { state: "detached" });
    });

    assert.deepEqual(bob.errors, []);
  },
);

browserTest(
  "mentions: the list of messages that mention me, the `@` badge set and cleared live, a notification from a muted conversation",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member", cat: "member" });
    const users = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
    const [ops, design] = await Promise.all(
      ["Ops", "Design"].map((title) =>
        createConversation(
          scopeOf(users.ann),
          { kind: "group", title, participantIds: [users.bob.id, users.cat.id] },
          deps,
        )
      ),
    );
    const early = await sendMessage(
      scopeOf(users.ann),
      design.id,
      { content: "@bob can you review the mockups?" },
      deps,
    );
    for (let i = 0; i < 60; i++) {
      await sendMessage(scopeOf(i % 2 ? users.cat : users.ann), design.id, { content: `Design note ${i}` }, deps);
    }
    await setConversationFlag(scopeOf(users.bob), ops.id, { isMuted: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // the browser's notifications, recorded instead of shown
    await context.addInitScript(() => {
      const notes: { title: string; body?: string }[] = [];
      class RecordedNotification {
        static permission = "granted";
        static requestPermission(): Promise<string> {
          return Promise.resolve("granted");
        }
        constructor(title: string, options?: NotificationOptions) {
          notes.push({ title, body: options?.body });
        }
        close() {}
        addEventListener() {}
      }
      Object.assign(globalThis, { notes, Notification: RecordedNotification });
    });
    const bob = await signedInPage(context, server.url, "acme", "bob@acme.test");
    const b = bob.page;
    const notes = () => b.evaluate(() => (globalThis as unknown as { notes: { body?: string }[] }).notes);
    const badge = (id: string) => b.locator(`#mentions-${id}`);

    await t.step("a conversation with an unread mention shows its @ badge from the start", async () => {
      assert.equal(await badge(design.id).isVisible(), true);
      assert.equal((await badge(design.id).textContent())?.trim(), "@");
      await screenshot(b, "mention-badge");
      assert.equal(await badge(ops.id).isVisible(), false);
    });

    await t.step("a muted conversation notifies a mention only, and its badge and the title count it", async () => {
      await sendMessage(scopeOf(users.ann), ops.id, { content: "Deploy is done" }, deps);
      await b.waitForSelector(`#unread-${ops.id}:not(.empty)`);
      await sendMessage(scopeOf(users.ann), ops.id, { content: "@bob the logs are in" }, deps);
      await b.waitForSelector(`#mentions-${ops.id}:not(.empty)`);
      await b.waitForFunction(() => (globalThis as unknown as { notes: unknown[] }).notes.length > 0);
      assert.deepEqual((await notes()).map((n) => n.body), ["Ann mentioned you: @bob the logs are in"]);
      const designUnread = Number(await b.getAttribute(`#unread-${design.id}`, "data-count"));
      assert.ok(designUnread > 0);
      assert.ok(
        (await b.title()).startsWith(`(${designUnread + 1}) `),
        "the muted conversation adds its mention, not its other message",
      );
    });

    await t.step(
      "the Mentions view lists them newest first with their conversation; a click opens the old one",
      async () => {
        await b.click(".mentions-button");
        await b.waitForSelector(".found-list .found-item");
        const items = await b.$$eval(
          ".found-item",
          (els) =>
            els.map((e) => [e.querySelector(".found-where")?.textContent, e.querySelector(".found-text")?.textContent]),
        );
        assert.deepEqual(items, [
          ["in Ops", "Ann: @bob the logs are in"],
          ["in Design", "Ann: @bob can you review the mockups?"],
        ]);
        await b.click(`#found-${early.message.id} .found-link`);
        const focused = await b.waitForSelector(".message.focused");
        assert.equal(await focused.getAttribute("id"), `message-${early.message.id}`);
        assert.equal(await b.locator(".message:has-text('Design note 59')").count(), 0, "opened at the old message");
      },
    );

    await t.step("reading clears the badge; an edit that mentions me sets it again, live", async () => {
      await b.click(`#conv-${ops.id} .conv-link`);
      await b.waitForSelector(`#mentions-${ops.id}.empty`, { state: "attached" });
      await b.click(`#conv-${design.id} .conv-link`);
      await b.waitForSelector(`#mentions-${design.id}.empty`, { state: "attached" });
      await b.click(`#conv-${ops.id} .conv-link`);
      await b.waitForSelector(`.conversation[data-conversation-id="${ops.id}"]`);
      const later = await sendMessage(scopeOf(users.ann), design.id, { content: "One more thing" }, deps);
      await b.waitForSelector(`#unread-${design.id}:not(.empty)`);
      assert.equal(await badge(design.id).isVisible(), false);
      await editMessage(scopeOf(users.ann), later.message.id, { content: "One more thing, @bob" }, deps);
      await b.waitForSelector(`#mentions-${design.id}:not(.empty)`);
    });

    assert.deepEqual(bob.errors, []);
  },
);

browserTest(
  "entity links: a link opens the business object; Open discussion opens its context room, the same one for everyone",
  async (t, { server, browser }) => {
    // the ERP the links point to
    const erp = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (req) =>
        new Response(`<title>ERP</title><h1>ERP ${new URL(req.url).pathname}</h1>`, {
          headers: { "content-type": "text/html" },
        }),
    );
    try {
      const acme = await server.seed("acme", { bob: "member" });
      const users = acme.users as Record<string, User>;
      const deps = server.runtime;
      const scopeOf = (user: User) =>
        scopeFor({ db: deps.database.db, bus: deps.bus }, {
          tenantId: user.tenantId,
          userId: user.id,
          role: user.role,
        });
      await updateAdminSettings(scopeOf(users.ann), {
        entity_types: [{
          type: "task",
          url_template: `http://127.0.0.1:${erp.addr.port}/tasks/{id}`,
          label_template: "Task #{id}",
        }],
      }, deps);
      const team = await createConversation(scopeOf(users.ann), {
        kind: "group",
        title: "Team",
        participantIds: [users.bob.id],
      }, deps);
      await sendMessage(scopeOf(users.ann), team.id, { content: "Blocked by @task#45 and @ticket#9" }, deps);
      const desktop = { viewport: { width: 1280, height: 800 } };
      const ann = await signedInPage(await browser.newContext(desktop), server.url, "acme", "ann@acme.test");
      const bob = await signedInPage(await browser.newContext(desktop), server.url, "acme", "bob@acme.test");
      const [a, b] = [ann.page, bob.page];

      await t.step("a configured type is a link with its label; an unknown one stays text", async () => {
        await b.click(".conv-row:has-text('Team') .conv-link");
        const link = await b.waitForSelector(".message .entity-link");
        assert.equal(await link.textContent(), "Task #45");
        assert.equal(await b.locator(".message .entity-link").count(), 1);
        assert.match(await b.textContent(".message .message-body") ?? "", /and @ticket#9/);
        assert.equal(await b.textContent(".message .open-discussion"), "Open discussion");
        await screenshot(b, "entity-link");
      });

      await t.step("clicking the link opens the object in a new tab", async () => {
        const [tab] = await Promise.all([b.context().waitForEvent("page"), b.click(".message .entity-link")]);
        await tab.waitForLoadState();
        assert.equal(new URL(tab.url()).pathname, "/tasks/45");
        assert.equal(await tab.textContent("h1"), "ERP /tasks/45");
        await tab.close();
      });

      await t.step(
        "Open discussion creates the object's room and opens it; from another member, the same room",
        async () => {
          await b.click(".message .open-discussion");
          await b.waitForSelector(".conversation h2:has-text('Task #45')");
          const room = await b.getAttribute(".conversation", "data-conversation-id");
          assert.ok(room && room !== team.id);
          await b.waitForSelector(`#conv-${room}`);
          await b.fill(".composer-input", "Let us sort it out here");
          await b.press(".composer-input", "Enter");
          await b.waitForSelector(".message.mine:has-text('Let us sort it out here')");

          await a.click(".conv-row:has-text('Team') .conv-link");
          await a.click(".message .open-discussion");
          await a.waitForSelector(".conversation h2:has-text('Task #45')");
          assert.equal(await a.getAttribute(".conversation", "data-conversation-id"), room);
          await a.waitForSelector(".message:has-text('Let us sort it out here')");
          assert.equal(await a.locator(".conv-row:has-text('Task #45')").count(), 1, "one room, listed once");
        },
      );

      assert.deepEqual(ann.errors, []);
      assert.deepEqual(bob.errors, []);
    } finally {
      await erp.shutdown();
    }
  },
);
