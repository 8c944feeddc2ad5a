/// <reference lib="dom" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
// axe-core's browser build, injected into each page audited
import AXE from "axe-core/axe.min.js" with { type: "text" };
import { browserTest, screenshot, signIn, waitForStream, watchedPage } from "./browser.ts";

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** The serious and critical axe violations on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: () => Promise<unknown> } }).axe.run()
  ) as AxeResult;
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** What a page offers to assistive technology besides axe's rules: one h1, a main landmark, a skip link first. */
async function structure(page: Page) {
  return await page.evaluate(() => {
    const first = document.querySelector("a, button, input, select, textarea, [tabindex]");
    return {
      h1: document.querySelectorAll("h1").length,
      main: document.querySelectorAll("main").length,
      skipFirst: first?.classList.contains("skip-link") === true &&
        document.getElementById((first as HTMLAnchorElement).hash.slice(1))?.tagName === "MAIN",
    };
  });
}

const SCREENS = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
];

browserTest(
  "axe finds no serious or critical violation on login, home, conversation, widget and admin pages, light and dark, desktop and phone",
  async (t, { server, browser }) => {
    await server.seed("acme", { bob: "member" });
    // each run reacts with another emoji: the same one again would take the reaction back
    let run = -1;
    for (const screen of SCREENS) {
      for (const colorScheme of ["light", "dark"] as const) {
        await t.step(`${screen.name}, ${colorScheme}`, async () => {
          run++;
          const context = await browser.newContext({ viewport: screen.viewport, colorScheme, bypassCSP: true });
          const { page } = await watchedPage(context);
          const found: Record<string, string[]> = {};
          const shapes: Record<string, Awaited<ReturnType<typeof structure>>> = {};
          const audit = async (name: string) => {
            found[name] = await seriousViolations(page);
            shapes[name] = await structure(page);
            await screenshot(page, `${screen.name}-${colorScheme}-${name}`);
          };
          await page.goto(`${server.url}/login`);
          await audit("login");
          await signIn(page, server.url, "acme", "ann@acme.test");
          await audit("home");
          await page.click(".person-button:has-text('Bob')");
          await page.waitForSelector(".conversation .composer");
          for (const text of ["Hello Bob", "Are you there?"]) {
            await page.fill(".composer-input", text);
            await page.press(".composer-input", "Enter");
            await page.waitForSelector(`.message.mine:has-text('${text}')`);
          }
          await page.setInputFiles(".file-input", {
            name: "agenda.txt",
            mimeType: "text/plain",
            buffer: Buffer.from("1. hello\n"),
          });
          await page.press(".composer-input", "Enter");
          await page.waitForSelector(".message.mine .file-chip:has-text('agenda.txt')");
          await page.hover(".message.mine:has-text('Hello Bob')");
          await page.click(`.message.mine:has-text('Hello Bob') #message-actions [data-action=react] >> nth=${run}`);
          await page.waitForSelector(".message.mine:has-text('Hello Bob') .reaction.mine");
          await page.hover(".message.mine >> nth=-1");
          await audit("conversation");
          await page.click(".composer .emoji-button");
          await page.fill(".emoji-search", "heart");
          await audit("emoji-picker");
          await page.keyboard.press("Escape");
          await page.goto(`${server.url}/widget`);
          await waitForStream(page);
          await page.click("#chat-bar");
          await audit("widget");
          for (const path of ["/admin", "/admin/workspace", "/admin/audit"]) {
            await page.goto(`${server.url}${path}`);
            await audit(path.slice(1).replace("/", "-"));
          }
          await context.close();

          assert.deepEqual(Object.entries(found).filter(([, v]) => v.length), []);
          for (const [name, shape] of Object.entries(shapes)) {
            assert.deepEqual(shape, { h1: 1, main: 1, skipFirst: true }, name);
          }
        });
      }
    }
  },
);
