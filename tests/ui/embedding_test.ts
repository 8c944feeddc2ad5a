/// <reference lib="dom" />
import assert from "node:assert/strict";
import { chromium, type Frame, type Page } from "playwright-core";
import { CHROMIUM, chromiumAvailable, PASSWORD, screenshot, startServer } from "./browser.ts";
import { openSession } from "../../chat/accounts/accounts.ts";
import { createHostApp } from "../../examples/host/main.ts";

/** A loopback HTTP server for a fetch handler; its address as seen from `hostname`. */
function serve(handler: (req: Request) => Response | Promise<Response>, hostname = "localhost") {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  return { url: `http://${hostname}:${server.addr.port}`, stop: () => server.shutdown() };
}

async function hostSignIn(page: Page, url: string, user: string) {
  await page.goto(url);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", "demo");
  await page.click("button");
}

async function widgetFrame(page: Page): Promise<Frame> {
  await page.waitForFunction(() => document.querySelector("iframe[title=Chat]"));
  const frame = await (await page.$("iframe[title=Chat]"))!.contentFrame();
  await frame!.waitForURL(/\/widget\?/);
  return frame!;
}

Deno.test({
  name: "embedded on another site with third-party cookies blocked, the widget signs in by SSO and chats live",
  ignore: !chromiumAvailable(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const parley = await startServer();
    const { users } = await parley.seed("acme", {});
    const db = parley.runtime.database.db;
    const annAuth = { authorization: `Bearer ${await openSession(db, parley.runtime.keys, users.ann)}` };
    const api = async (path: string, init: { method?: string; body?: unknown; auth?: Record<string, string> } = {}) => {
      const res = await fetch(`${parley.url}${path}`, {
        method: init.method ?? "GET",
        headers: { ...(init.auth ?? annAuth), "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: await res.json() };
    };
    const secret = (await api("/api/admin/sso/secrets", { method: "POST" })).body;
    const options = { parleyUrl: parley.url, workspace: "acme", kid: secret.kid, secret: secret.secret };
    const host = serve(createHostApp(options));
    const unlisted = serve(createHostApp(options));
    const cookieProbe = serve(
      (req) =>
        new URL(req.url).pathname === "/set"
          ? new Response("set", { headers: { "set-cookie": "probe=1; SameSite=None; Secure; Path=/" } })
          : new Response(`<p id="cookie">${req.headers.get("cookie") ?? "none"}</p>`, {
            headers: { "content-type": "text/html" },
          }),
      "127.0.0.1",
    );
    const plainHost = serve(() =>
      new Response(`<h1>No SSO here</h1><script src="${parley.url}/widget.js" data-workspace="acme" async></script>`, {
        headers: { "content-type": "text/html" },
      })
    );
    const framer = serve((req) => {
      const src = new URL(req.url).searchParams.get("src")!;
      return new Response(`<iframe src="${src}"></iframe>`, { headers: { "content-type": "text/html" } });
    });
    assert.equal(
      (await api("/api/admin/settings", { method: "PUT", body: { embed_origins: [host.url, plainHost.url] } })).status,
      200,
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--test-third-party-cookie-phaseout"],
    });
    try {
      // a failed step ends the test: the later ones build on it
      const step = async (name: string, fn: () => Promise<void>) => {
        if (!await t.step(name, fn)) throw new Error(`step failed: ${name}`);
      };
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));

      await step("the browser really blocks third-party cookies", async () => {
        const probe = await context.newPage();
        await probe.goto(`${cookieProbe.url}/set`);
        await probe.goto(`${cookieProbe.url}/read`);
        assert.equal(await probe.textContent("#cookie"), "probe=1", "a first-party cookie is kept");
        await probe.goto(`${framer.url}/?src=${encodeURIComponent(`${cookieProbe.url}/read`)}`);
        const framed = probe.frames()[1];
        await framed.waitForSelector("#cookie");
        assert.equal(await framed.textContent("#cookie"), "none", "the framed site gets no cookie");
        await probe.close();
      });

      let frame: Frame;
      let aliceId = "";
      let conversationId = "";
      await step("the host's user is signed in by SSO, without a Parley password", async () => {
        await hostSignIn(page, host.url, "alice");
        frame = await widgetFrame(page);
        await frame.waitForSelector("#widget-root[data-user-id] #chat-bar");
        aliceId = (await frame.getAttribute("#widget-root", "data-user-id"))!;
        const users = (await api("/api/admin/users")).body as { id: string; name: string; email: string }[];
        const alice = users.find((u) => u.id === aliceId)!;
        assert.deepEqual([alice.name, alice.email], ["Alice Host", "alice@host.example"]);
        const cookies = await context.cookies(parley.url);
        assert.deepEqual(cookies.filter((c) => c.name.startsWith("parley")), [], "no Parley cookie anywhere");
        assert.equal(await frame.isVisible("#widget-panel"), false, "collapsed to its bar");
      });

      const aliceAuth = { authorization: `Bearer ${await openSessionFor(aliceId)}` };
      const unread = async () => (await api("/api/chat/conversations/", { auth: aliceAuth })).body[0]?.unread_count;
      const annSays = (content: string) =>
        api(`/api/chat/conversations/${conversationId}/messages/`, { method: "POST", body: { content } });

      await step("a message shows as an unread count on the bar and reaches the host page", async () => {
        const started = await api("/api/chat/conversations/start/", {
          method: "POST",
          body: { participant_id: aliceId },
        });
        conversationId = started.body.id;
        await annSays("Hello from Ann");
        await frame.waitForSelector("#chat-bar .badge:not(.empty)");
        assert.equal((await frame.textContent("#chat-bar .badge"))?.trim(), "1");
        await page.waitForFunction(() => document.getElementById("host-unread")?.textContent === "1");
        await screenshot(page, "embedded-widget-collapsed");
      });

      await step("a collapsed widget does not mark read; open, at the end, in a visible tab, it does", async () => {
        await page.waitForTimeout(1000);
        assert.equal(await unread(), 1, "collapsed: still unread");
        await page.click("#open-chat");
        await frame.waitForSelector("#widget-panel", { state: "visible" });
        await frame.click(`#tab-chats #conv-${conversationId} .conv-link`);
        await frame.waitForSelector("#tab-chat .message:has-text('Hello from Ann')");
        await waitFor(async () => await unread() === 0);
        await page.waitForFunction(() => document.getElementById("host-unread")?.textContent === "0");

        await page.click("#close-chat");
        await frame.waitForSelector("#widget-panel", { state: "hidden" });
        await annSays("While you were away");
        await frame.waitForSelector("#tab-chat .message:has-text('While you were away')", { state: "attached" });
        await page.waitForTimeout(1000);
        assert.equal(await unread(), 1, "the conversation is open in the collapsed widget, and still unread");
        await page.waitForFunction(() => document.getElementById("host-unread")?.textContent === "1");
        await page.click("#open-chat");
        await waitFor(async () => await unread() === 0);
      });

      await step("sending and receiving live in the widget", async () => {
        await frame.fill("#tab-chat .composer-input", "Hi Ann, from the host");
        await frame.press("#tab-chat .composer-input", "Enter");
        await waitFor(async () => {
          const list = await api(`/api/chat/conversations/${conversationId}/messages/`);
          return list.body.some((m: { content: string }) => m.content === "Hi Ann, from the host");
        });
        await annSays("Got it, live");
        await frame.waitForSelector("#tab-chat .message:has-text('Got it, live')");
        await screenshot(page, "embedded-widget-open");
      });

      await step("the host's messages are checked by origin and source", async () => {
        // a message on the host window that does not come from the frame is not the widget speaking
        await page.evaluate(() => globalThis.postMessage({ parley: "unread", count: 99 }, "*"));
        await page.waitForTimeout(300);
        assert.notEqual(await page.textContent("#host-unread"), "99");
        const checks = await frame.evaluate(async (allowed) => {
          const href = [...document.querySelectorAll<HTMLLinkElement>("link[rel=modulepreload]")]
            .find((l) => /\/widget-[0-9a-f]+\.js$/.test(l.href))!.href;
          const { allowedHost } = await import(href);
          return [allowed, "http://localhost:1", "https://evil.example", "null", location.origin].map(allowedHost);
        }, host.url);
        assert.deepEqual(checks, [true, false, false, false, true]);
        // a frame of an unlisted origin inside the host page cannot command the widget
        await page.evaluate((src) => {
          const nested = document.createElement("iframe");
          nested.src = src;
          document.body.append(nested);
        }, `${unlisted.url}/host.js`);
        await page.click("#close-chat");
        await frame.waitForSelector("#widget-panel", { state: "hidden" });
        const nested = await waitForFrame(page, unlisted.url);
        await nested.evaluate(() => globalThis.top!.frames[0].postMessage({ parley: "open" }, "*"));
        await page.waitForTimeout(300);
        assert.equal(await frame.isVisible("#widget-panel"), false);
      });

      await step("reloading the frame returns to the widget, still signed in", async () => {
        await frame.evaluate(() => location.reload());
        await page.waitForTimeout(200);
        frame = await widgetFrame(page);
        await frame.waitForSelector("#widget-root[data-user-id] #chat-bar");
        const url = new URL(frame.url());
        assert.equal(`${url.pathname}${url.search}`, "/widget?workspace=acme");
        assert.equal(await frame.$(".sidebar"), null, "not the full app");
        await page.click("#open-chat");
        await frame.click(`#tab-chats #conv-${conversationId} .conv-link`);
        await frame.waitForSelector("#tab-chat .message:has-text('Got it, live')");
        assert.equal(new URL(frame.url()).pathname, "/widget", "opening a conversation keeps the widget's address");
      });

      await step("the host opens the conversation about a business object", async () => {
        const types = [{
          type: "order",
          url_template: "https://erp.example/orders/{id}",
          label_template: "Order {id}",
        }];
        await api("/api/admin/settings", { method: "PUT", body: { entity_types: types } });
        await page.evaluate(() =>
          (globalThis as unknown as { Parley: { openContext(...a: string[]): void } })
            .Parley.openContext("order", "42", "Order 42 (Ann's)")
        );
        await frame.waitForSelector('#tab-chat .conversation h2:has-text("Order 42 (Ann\'s)")');
        assert.equal(await frame.isVisible("#widget-panel"), true);
      });

      await step("without SSO, a password sign-in popup hands its session to the widget", async () => {
        const plain = await context.newPage();
        await plain.goto(plainHost.url);
        const plainFrame = await widgetFrame(plain);
        await plainFrame.waitForSelector("#sign-in-bar:has-text('Sign in to chat')");
        const [popup] = await Promise.all([context.waitForEvent("page"), plainFrame.click("#sign-in-bar")]);
        await popup.waitForSelector("input[name=email]");
        assert.equal(await popup.inputValue("input[name=workspace]"), "acme");
        await popup.fill("input[name=email]", "ann@acme.test");
        await popup.fill("input[name=password]", PASSWORD);
        await popup.click("button[type=submit]");
        await plainFrame.waitForSelector(`#widget-root[data-user-id="${users.ann.id}"] #chat-bar`);
        if (!popup.isClosed()) await popup.waitForEvent("close");
        await plain.close();
      });

      await step("a host not on the list sees that chat is not available", async () => {
        const other = await context.newPage();
        await hostSignIn(other, unlisted.url, "bruno");
        await other.waitForSelector("text=Chat is not available on this site", { timeout: 15_000 });
        assert.equal(await other.$("iframe[title=Chat]"), null);
        await other.close();
      });

      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      for (const server of [host, unlisted, plainHost, cookieProbe, framer]) await server.stop();
      await parley.stop();
    }

    async function openSessionFor(userId: string) {
      const [user] = await db.query.users.findMany({ where: (u, { eq }) => eq(u.id, userId) });
      return await openSession(db, parley.runtime.keys, user);
    }
  },
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForFrame(page: Page, origin: string): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(origin));
    if (frame) {
      await frame.waitForLoadState();
      return frame;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no frame from ${origin}`);
}
