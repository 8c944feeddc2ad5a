/// <reference lib="dom" />
import assert from "node:assert/strict";
import { browserTest, screenshot, signedInPage } from "./browser.ts";
import { createConversation, startDirect, updateConversation } from "../../chat/conversations/conversations.ts";
import { addParticipants } from "../../chat/conversations/membership.ts";
import { sendMessage } from "../../chat/messages/messages.ts";
import { scopeFor } from "../../chat/tenancy.ts";
import type { User } from "../../db/schema/mod.ts";

type Recorded = { asked: number; shown: { title: string; body: string }[] };
const recorded = (page: import("playwright-core").Page) =>
  page.evaluate(() => (globalThis as unknown as { recorded: Recorded }).recorded);

/** Records permission requests and shown notifications, then lets the real API do its work. */
function recordNotifications() {
  const Real = globalThis.Notification;
  const log: Recorded = { asked: 0, shown: [] };
  Object.assign(globalThis, { recorded: log });
  const ask = Real.requestPermission.bind(Real);
  globalThis.Notification = class extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      log.shown.push({ title, body: options?.body ?? "" });
    }
    static override requestPermission() {
      log.asked++;
      return ask();
    }
  } as typeof Notification;
}

browserTest(
  "notifications are turned on by a click; system messages never notify nor count, and read in the reader's language",
  async (t, { server, browser }) => {
    const acme = await server.seed("acme", { bob: "member", carol: "member", dora: "member" });
    const { ann, bob, carol, dora } = acme.users as Record<string, User>;
    const deps = server.runtime;
    const scopeOf = (user: User) =>
      scopeFor({ db: deps.database.db, bus: deps.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });

    await t.step("nothing is asked on load; the control asks once, on click", async () => {
      const context = await browser.newContext();
      await context.addInitScript(recordNotifications);
      const { page, errors } = await signedInPage(context, server.url, "acme", "carol@acme.test");
      // the page used to ask by itself 4 s after load
      await page.waitForTimeout(4_500);
      assert.equal((await recorded(page)).asked, 0);
      assert.equal(await page.textContent(".notify-toggle"), "Turn on notifications");

      await page.click(".notify-toggle");
      await page.waitForFunction(() => (globalThis as unknown as { recorded: Recorded }).recorded.asked === 1);
      assert.deepEqual(errors, []);
      await context.close();
    });

    const group = await createConversation(
      scopeOf(bob),
      { kind: "group", title: "Planning", participantIds: [ann.id] },
      deps,
    );
    const annCtx = await browser.newContext({ locale: "es-ES", extraHTTPHeaders: { "accept-language": "es" } });
    await annCtx.grantPermissions(["notifications"], { origin: server.url });
    await annCtx.addInitScript(recordNotifications);
    const annPage = await signedInPage(annCtx, server.url, "acme", "ann@acme.test");
    const a = annPage.page;

    await t.step("a system message neither notifies nor counts as unread; a message does both", async () => {
      assert.equal(await a.isVisible(".notify-toggle"), false, "already granted: nothing to turn on");
      await addParticipants(scopeOf(bob), group.id, [dora.id], deps);
      await a.waitForSelector(`#conv-${group.id} .conv-preview:has-text('Dora')`);
      await sendMessage(scopeOf(carol), (await directWith(ann)).id, { content: "After the join" }, deps);
      await a.waitForFunction(() =>
        (globalThis as unknown as { recorded: Recorded }).recorded.shown.some((n) => n.body.includes("After the join"))
      );

      const shown = (await recorded(a)).shown;
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.equal(await a.getAttribute(`#unread-${group.id}`, "data-count"), "0");

      await sendMessage(scopeOf(bob), group.id, { content: "Agenda attached" }, deps);
      await a.waitForSelector(`#unread-${group.id}[data-count='1']`);
      await a.waitForFunction(() => (globalThis as unknown as { recorded: Recorded }).recorded.shown.length === 2);
    });

    await t.step("system messages are worded in the reader's language, in the list and the conversation", async () => {
      await updateConversation(scopeOf(bob), group.id, { title: "Planificación" }, deps);
      await a.waitForSelector(
        `#conv-${group.id} .conv-preview:has-text('La conversación ahora se llama «Planificación»')`,
      );
      await a.click(`#conv-${group.id} .conv-link`);
      await a.waitForSelector(".message.kind-system .system-text:text-is('Se añadió a Dora')");
      await a.waitForSelector(
        ".message.kind-system .system-text:text-is('La conversación ahora se llama «Planificación»')",
      );
      assert.equal(await a.locator(".message.kind-system:has-text('was added')").count(), 0);
    });

    await t.step("and in Brazilian Portuguese", async () => {
      const ptBr = { locale: "pt-BR", extraHTTPHeaders: { "accept-language": "pt-BR" } };
      const bobPage = await signedInPage(await browser.newContext(ptBr), server.url, "acme", "bob@acme.test");
      await bobPage.page.click(`#conv-${group.id} .conv-link`);
      await bobPage.page.waitForSelector(
        ".message.kind-system .system-text:text-is('Dora agora faz parte da conversa')",
      );
      await bobPage.page.waitForSelector(
        ".message.kind-system .system-text:text-is('A conversa agora se chama “Planificación”')",
      );
      assert.deepEqual(bobPage.errors, []);
    });

    await screenshot(a, "system-messages-es");
    assert.deepEqual(annPage.errors, []);

    async function directWith(user: User) {
      return (await startDirect(scopeOf(carol), user.id, deps)).conversation;
    }
  },
);
