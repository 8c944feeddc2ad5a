/// <reference lib="dom" />
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createApp } from "../../main.ts";
import { loadConfig } from "../../server/config.ts";
import { createRuntime } from "../../server/runtime.ts";
import { listen } from "../../server/http_server.ts";
import { createUser, createWorkspace } from "../../chat/accounts/accounts.ts";
import type { TenantId } from "../../chat/tenancy.ts";
import type { UserRole } from "../../db/schema/mod.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const PASSWORD = "correct horse battery staple";

/** True when browser tests can run here; prints why they are skipped otherwise. */
export function chromiumAvailable(): boolean {
  try {
    Deno.statSync(CHROMIUM);
    return true;
  } catch {
    console.warn(`SKIPPED browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    return false;
  }
}

/** A real server on a free loopback port with a fresh database and attachment folder; `env` adds settings. */
export async function startServer(env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "parley-ui-" });
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${dir}/parley.db`,
    ATTACHMENTS: `fs:${dir}/attachments`,
    SESSION_SECRET: "browser-test-secret-browser-test-secret",
    ...env,
  });
  const runtime = await createRuntime(config);
  const server = await listen(createApp(runtime).fetch, { port: 0, hostname: "127.0.0.1" });
  const url = server.url;
  return {
    url,
    runtime,
    /** Creates a workspace whose admin is `ann`, plus the named members. */
    async seed(slug: string, people: Record<string, UserRole>) {
      const db = runtime.database.db;
      const { tenant, user } = await createWorkspace(db, {
        name: slug.toUpperCase(),
        slug,
        admin: { name: "Ann", email: `ann@${slug}.test`, password: PASSWORD },
      });
      const users = { ann: user };
      for (const [name, role] of Object.entries(people)) {
        Object.assign(users, {
          [name]: await createUser(db, { tenantId: tenant.id as TenantId, db }, {
            name: name[0].toUpperCase() + name.slice(1),
            email: `${name}@${slug}.test`,
            username: name,
            role,
            password: PASSWORD,
          }),
        });
      }
      return { tenant, users };
    },
    async stop() {
      runtime.realtime.stop(0);
      await server.shutdown();
      await runtime.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Headless Chromium as Debian ships it. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A page that records console errors and uncaught exceptions, so tests can fail on them. */
export async function watchedPage(context: BrowserContext) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  return { page, errors };
}

/** Signs in through the login form and waits for the app. */
export async function signIn(page: Page, base: string, workspace: string, email: string) {
  await page.goto(`${base}/login`);
  await page.fill("input[name=workspace]", workspace);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForSelector("#event-stream", { state: "attached" });
  await waitForStream(page);
}

/**
 * A watched page in the context, signed in as `email` of `workspace` with its stream connected.
 * @param context the browser context (its viewport, color scheme, init scripts)
 * @param base the server's url
 */
export async function signedInPage(context: BrowserContext, base: string, workspace: string, email: string) {
  const watched = await watchedPage(context);
  await signIn(watched.page, base, workspace, email);
  return watched;
}

/** Waits until the page's event stream has connected. */
export async function waitForStream(page: Page) {
  await page.waitForFunction(() => {
    const el = document.getElementById("event-stream") as (HTMLElement & { _htmx?: { sse?: unknown } }) | null;
    return !!el?._htmx?.sse;
  });
}

/** Saves a screenshot under tests/screenshots/ (gitignored). */
export async function screenshot(page: Page, name: string) {
  const dir = new URL("../screenshots/", import.meta.url).pathname;
  await Deno.mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${name}.png` });
}

/**
 * A browser test: skipped with a message where Chromium is missing; otherwise gets a real
 * server and a browser, both stopped afterwards whatever happens.
 */
export function browserTest(
  name: string,
  fn: (
    t: Deno.TestContext,
    env: { server: Awaited<ReturnType<typeof startServer>>; browser: Browser },
  ) => Promise<void>,
  options: { env?: () => Record<string, string> } = {},
) {
  Deno.test({
    name,
    ignore: !chromiumAvailable(),
    // playwright keeps its pipes and timers past the test body
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const server = await startServer(options.env?.());
      const browser = await launchBrowser();
      try {
        await fn(t, { server, browser });
      } finally {
        await browser.close();
        await server.stop();
      }
    },
  });
}
