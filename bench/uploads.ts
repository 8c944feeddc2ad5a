/**
 * Upload memory benchmark: starts the server (`main.ts`) as a subprocess on a fresh
 * database and attachment folder, then has 3 users send at once a message with 10 files of
 * 10 MB each (MAX_UPLOAD_MB=10) through the HTTP API, and prints one JSON line per
 * scenario: the server's resident memory when idle, its peak while the uploads run
 * (sampled from /proc/PID/status VmRSS, and VmHWM), and once they are done.
 *
 *   deno task bench:uploads                 every scenario: fs, fs encrypted, db
 *   deno task bench:uploads --only=fs       scenarios whose name contains "fs"
 *   UPLOAD_SENDS=3 UPLOAD_FILES=10 UPLOAD_FILE_MB=10   the load
 */
import { openDatabase } from "../db/client.ts";
import { sessionKeysFrom } from "../chat/accounts/auth.ts";
import { createUser, createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import type { TenantId } from "../chat/tenancy.ts";
import http from "node:http";
import { Buffer } from "node:buffer";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const MB = 1024 * 1024;
const SENDS = Number(Deno.env.get("UPLOAD_SENDS") ?? 3);
const FILES = Number(Deno.env.get("UPLOAD_FILES") ?? 10);
const FILE_MB = Number(Deno.env.get("UPLOAD_FILE_MB") ?? 10);
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);

const SCENARIOS: { name: string; env: (dir: string) => Record<string, string> }[] = [
  { name: "fs", env: (dir) => ({ ATTACHMENTS: `fs:${dir}/attachments` }) },
  {
    name: "fs-encrypted",
    env: (dir) => ({ ATTACHMENTS: `fs:${dir}/attachments`, DATABASE_ENCRYPTION_KEY: "bench-encryption-key-0123" }),
  },
  { name: "db", env: () => ({ ATTACHMENTS: "db" }) },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident and peak resident memory of a process, in MiB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A workspace with one sender per concurrent upload, and their session tokens. */
async function seed(url: string, encryptionKey: string | undefined) {
  const database = await openDatabase(url, { encryptionKey });
  const keys = await sessionKeysFrom(SECRET);
  const password = "correct horse battery staple";
  const { tenant, user: admin } = await createWorkspace(database.db, {
    name: "Bench",
    slug: "bench",
    admin: { name: "Admin", email: "admin@bench.test", password },
  });
  const scope = { tenantId: tenant.id as TenantId, db: database.db };
  const senders = [];
  for (let i = 0; i < SENDS; i++) {
    const user = await createUser(database.db, scope, {
      name: `Sender ${i}`,
      email: `s${i}@bench.test`,
      username: `s${i}`,
      role: "member",
      password,
    });
    senders.push({ id: user.id, token: await openSession(database.db, keys, user) });
  }
  const adminToken = await openSession(database.db, keys, admin);
  await database.close();
  return { adminToken, senders };
}

/**
 * Sends a multipart body of `files` PDF files of `fileBytes` each with its Content-Length,
 * as a browser does, made as it is sent: the benchmark never holds a whole body either.
 * Resolves to the answer's status.
 */
function postFiles(url: URL, token: string, files: number, fileBytes: number): Promise<number> {
  const boundary = "----parleybench" + crypto.randomUUID();
  const head = (i: number) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="report-${i}.pdf"\r\n` +
        `Content-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
    );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const magic = 9;
  const length = Array.from({ length: files }, (_, i) => head(i).length - magic + fileBytes + 2)
    .reduce((a, b) => a + b, 0) + tail.length;
  const block = Buffer.from(crypto.getRandomValues(new Uint8Array(64 * 1024)));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(length),
      },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    (async () => {
      const write = (chunk: Uint8Array) =>
        req.write(chunk) ? Promise.resolve() : new Promise<void>((r) => req.once("drain", () => r()));
      for (let i = 0; i < files; i++) {
        await write(head(i));
        for (let sent = magic; sent < fileBytes;) {
          const n = Math.min(block.length, fileBytes - sent);
          await write(block.subarray(0, n));
          sent += n;
        }
        await write(Buffer.from("\r\n"));
      }
      req.end(tail);
    })().catch(reject);
  });
}

async function run(scenario: (typeof SCENARIOS)[number]) {
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-uploads-" });
  const env = scenario.env(dir);
  const dbUrl = `file:${dir}/bench.db`;
  const { adminToken, senders } = await seed(dbUrl, env.DATABASE_ENCRYPTION_KEY);
  const port = freePort();
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: dbUrl,
      SESSION_SECRET: SECRET,
      MAX_UPLOAD_MB: String(FILE_MB),
      RATE_LIMIT_MESSAGES_PER_MIN: "100000",
      ...env,
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`${url}/healthz`).then((r) => r.body?.cancel().then(() => r.ok)).catch(() => false);
      if (ok) break;
      await sleep(50);
    }
    const created = await fetch(`${url}/api/chat/conversations/`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "group", title: "Uploads", participant_ids: senders.map((s) => s.id) }),
    });
    const conversationId = (await created.json()).id;
    const messages = new URL(`${url}/api/chat/conversations/${conversationId}/messages/`);
    const post = (token: string, files: number, fileBytes: number) => postFiles(messages, token, files, fileBytes);
    // the first upload compiles the upload path; the idle baseline is taken after it
    await post(senders[0].token, 1, 64 * 1024);
    await sleep(1_000);
    const idle = memory(server.pid);

    let peak = idle.rss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, memory(server.pid).rss);
        await sleep(10);
      }
    })();
    const started = performance.now();
    const statuses = await Promise.all(senders.map((s) => post(s.token, FILES, FILE_MB * MB)));
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const during = memory(server.pid);
    // memory a few seconds later, once the collector had a chance to give back what the uploads used
    await sleep(5_000);
    const after = memory(server.pid);
    const round = (n: number) => Math.round(n * 10) / 10;
    console.log(JSON.stringify({
      bench: "uploads",
      scenario: scenario.name,
      sends: SENDS,
      files_per_send: FILES,
      file_mb: FILE_MB,
      statuses,
      seconds: round(seconds),
      mb_per_s: round((SENDS * FILES * FILE_MB) / seconds),
      idle_rss_mb: round(idle.rss),
      peak_rss_mb: round(Math.max(peak, during.rss)),
      peak_over_idle_mb: round(Math.max(peak, during.rss) - idle.rss),
      // the kernel's high-water mark since the process started (start-up included)
      idle_hwm_mb: round(idle.hwm),
      hwm_mb: round(during.hwm),
      after_rss_mb: round(after.rss),
      after_over_idle_mb: round(after.rss - idle.rss),
    }));
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await Deno.remove(dir, { recursive: true });
  }
}

for (const scenario of SCENARIOS) {
  if (only && !scenario.name.includes(only)) continue;
  await run(scenario);
}
