import assert from "node:assert/strict";
import net from "node:net";
import { Buffer } from "node:buffer";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { seedTenant, testDeps } from "../helpers.ts";

const PDF = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2]);
const MB = 1024 * 1024;

Deno.test("over HTTP, an unauthenticated upload is answered 401 before its body is read", async () => {
  const s = await served();

  // chunked and never ended: only an answer before reading the body can come back
  const api = await rawUpload(s, s.messagesPath, {}, { declared: null, send: 256 * 1024 });
  const ui = await rawUpload(s, `/ui/conversations/${s.conversationId}/messages`, { "hx-request": "true" }, {
    declared: null,
    send: 256 * 1024,
  });

  assert.equal(api.status, 401);
  assert.equal(JSON.parse(api.body).error.code, "unauthenticated");
  assert.equal(ui.status, 401);
  assert.equal(ui.headers["hx-redirect"], "/login");
  assert.equal(await s.count(), 0);
  assert.deepEqual(await s.storedFiles(), []);
  await s.close();
});

Deno.test("over HTTP, a rate-limited sender's upload is refused with 429 while it is still being sent", async () => {
  const s = await served({ RATE_LIMIT_MESSAGES_PER_MIN: "1" });
  const first = await s.send(s.bob, [["a.txt", "hello"]]);
  assert.equal(first.status, 201);

  const refused = await rawUpload(s, s.messagesPath, s.bob.auth, { declared: 50 * MB, send: 256 * 1024 });

  assert.equal(refused.status, 429);
  assert.equal(JSON.parse(refused.body).error.code, "rate_limited");
  assert.ok(Number(refused.headers["retry-after"]) >= 1);
  // the answer came while most of the declared body was never sent, and the connection closed
  assert.ok(refused.sent < 50 * MB);
  assert.equal(refused.closed, true);
  assert.equal(await s.count(), 1);
  assert.equal((await s.storedFiles()).length, 1);
  await s.close();
});

Deno.test("over HTTP, a user's third concurrent upload is refused with 429 while two are in flight", async () => {
  const s = await served();
  const one = await startUpload(s, s.bob, 5 * MB);
  const two = await startUpload(s, s.bob, 5 * MB);
  await one.wrote(64 * 1024);
  await two.wrote(64 * 1024);

  const third = await s.send(s.bob, [["c.txt", "third"]]);
  const otherUser = await s.send(s.carol, [["d.txt", "carol's own"]]);

  assert.equal(third.status, 429);
  assert.equal(third.body.error.code, "rate_limited");
  assert.ok(Number(third.headers.get("retry-after")) >= 1);
  assert.equal(otherUser.status, 201);

  one.abort();
  two.abort();
  // the aborted uploads give their slots back and leave nothing behind
  await until(async () => (await s.send(s.bob, [["e.txt", "after"]])).status === 201);
  await until(async () => (await s.storedFiles()).length === 2);
  assert.equal(await s.count(), 2);
  await s.close();
});

Deno.test("over HTTP, files are written to storage as they arrive and an aborted upload removes its partial file", async () => {
  const s = await served();
  const upload = await startUpload(s, s.bob, 8 * MB);

  await upload.wrote(2 * MB);
  // part of the file is on disk while the rest is still on its way
  await until(async () => (await s.partialBytes()) >= MB);
  upload.abort();

  await until(async () => (await s.storedFiles()).length === 0 && (await s.partialBytes()) === 0);
  assert.equal(await s.count(), 0);
  assert.equal(await s.attachmentRows(), 0);
  await s.close();
});

Deno.test("over HTTP, a file over MAX_UPLOAD_MB is cut off with 413 as it crosses the limit and nothing is kept", async () => {
  const s = await served({ MAX_UPLOAD_MB: "1" });
  const small = { name: "first.txt", content: "a file before the big one" };

  const res = await rawUpload(s, s.messagesPath, s.bob.auth, {
    declared: 6 * MB,
    send: 1.5 * MB,
    before: small,
  });

  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.body).error.code, "payload_too_large");
  assert.equal(res.closed, true);
  assert.equal(await s.count(), 0);
  assert.equal(await s.attachmentRows(), 0);
  await until(async () => (await s.storedFiles()).length === 0 && (await s.partialBytes()) === 0);
  // a body over the total limit (11 MB here) is cut off the same way, counted as it arrives:
  // chunked, so without a length, all of it preamble the parser skips, and never ended, so
  // only a cut-off can answer it
  const chunked = await rawUpload(s, s.messagesPath, s.bob.auth, { declared: null, send: 20 * MB, preamble: true });
  assert.equal(chunked.status, 413);
  assert.equal(await s.count(), 0);
  await until(async () => (await s.storedFiles()).length === 0);
  await s.close();
});

Deno.test("over HTTP, a file whose extension is off the allow-list or not its type gets the canonical one", async () => {
  const s = await served();

  const res = await s.send(s.bob, [
    ["page.html", "<script>alert(1)</script>"],
    ["logo.svg", PDF],
    ["photo.jpg", PNG],
    ["notes.md", "# fine as it is"],
    ["report", PDF],
  ]);

  assert.equal(res.status, 201);
  assert.deepEqual(
    res.body.attachments.map((a: { filename: string; content_type: string }) => [a.filename, a.content_type]),
    [
      ["page.txt", "text/plain; charset=utf-8"],
      ["logo.pdf", "application/pdf"],
      ["photo.png", "image/png"],
      ["notes.md", "text/plain; charset=utf-8"],
      ["report.pdf", "application/pdf"],
    ],
  );
  const html = await fetch(`${s.url}${res.body.attachments[0].url}`, { headers: s.carol.auth });
  assert.match(html.headers.get("content-disposition")!, /^attachment; filename="page.txt"/);
  await html.body?.cancel();
  await s.close();
});

Deno.test("over HTTP, format and control characters are stripped from file names and Content-Disposition", async () => {
  const s = await served();

  const res = await s.send(s.bob, [
    ["invoice\u202Efdp.js", "not a script"],
    ["O'Brien (draft)\u200B*.txt", "notes"],
    ["Grüße\u2066.pdf", PDF],
  ]);
  const names = res.body.attachments.map((a: { filename: string }) => a.filename);
  const headers = await Promise.all(res.body.attachments.map(async (a: { url: string }) => {
    const got = await fetch(`${s.url}${a.url}`, { headers: s.carol.auth });
    await got.body?.cancel();
    return got.headers.get("content-disposition");
  }));
  // a name stored before the rule is cleaned on the way out too
  await s.deps.database.client.execute({
    sql: "UPDATE attachments SET filename = ? WHERE id = ?",
    args: ["old\u202Etxt.exe", res.body.attachments[0].id],
  });
  const old = await fetch(`${s.url}${res.body.attachments[0].url}`, { headers: s.carol.auth });
  await old.body?.cancel();

  assert.equal(res.status, 201);
  assert.deepEqual(names, ["invoicefdp.txt", "O'Brien (draft).txt", "Grüße.pdf"]);
  assert.deepEqual(headers, [
    `attachment; filename="invoicefdp.txt"; filename*=UTF-8''invoicefdp.txt`,
    `attachment; filename="O'Brien (draft).txt"; filename*=UTF-8''O%27Brien%20%28draft%29.txt`,
    `attachment; filename="Gr__e.pdf"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.pdf`,
  ]);
  assert.equal(
    old.headers.get("content-disposition"),
    `attachment; filename="oldtxt.exe"; filename*=UTF-8''oldtxt.exe`,
  );
  await s.close();
});

Deno.test("over HTTP, attachments are served with their own sandboxing CSP and nosniff", async () => {
  const s = await served();
  const res = await s.send(s.bob, [["dot.png", PNG], ["doc.pdf", PDF]]);

  for (const a of res.body.attachments) {
    const got = await fetch(`${s.url}${a.url}`, { headers: s.carol.auth });
    await got.body?.cancel();

    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-security-policy"), "default-src 'none'; img-src 'self'; sandbox");
    assert.equal(got.headers.get("x-content-type-options"), "nosniff");
  }
  // pages keep the app's policy
  const page = await fetch(`${s.url}/login`);
  await page.body?.cancel();
  assert.match(page.headers.get("content-security-policy")!, /script-src 'self'/);
  await s.close();
});

Deno.test("over HTTP, the composer's multipart send stores text and files through the same path", async () => {
  const s = await served();
  const form = new FormData();
  form.append("content", "from the composer");
  form.append("attachments", new File([PNG], "dot.png", { type: "image/png" }));
  // the empty part a browser sends when no file was chosen is not a file
  const empty = new FormData();
  empty.append("content", "just text");
  empty.append("attachments", new File([], "", { type: "application/octet-stream" }));
  const headers = { cookie: `parley_session=${s.bob.token}`, "hx-request": "true", origin: s.url };

  const withFile = await fetch(`${s.url}/ui/conversations/${s.conversationId}/messages`, {
    method: "POST",
    headers,
    body: form,
  });
  const textOnly = await fetch(`${s.url}/ui/conversations/${s.conversationId}/messages`, {
    method: "POST",
    headers,
    body: empty,
  });

  assert.equal(withFile.status, 201);
  assert.match(await withFile.text(), /dot\.png/);
  assert.equal(textOnly.status, 201);
  assert.match(await textOnly.text(), /just text/);
  assert.equal(await s.count(), 2);
  assert.equal((await s.storedFiles()).length, 1);
  await s.close();
});

for (const backend of ["fs", "db"] as const) {
  Deno.test(`over HTTP, encrypted uploads (${backend} backend) stream in and download identical`, async () => {
    const s = await served({
      DATABASE_ENCRYPTION_KEY: "a-very-secret-key-for-tests",
      ...(backend === "db" ? { ATTACHMENTS: "db" } : {}),
    });
    const data = new Uint8Array(3 * MB + 12_345);
    data.set(new TextEncoder().encode("%PDF-1.7\n"));
    for (let i = 10; i < data.length; i++) data[i] = (i * 31) & 0xff;

    const res = await s.send(s.bob, [["big.pdf", data]]);
    const got = await fetch(`${s.url}${res.body.attachments[0].url}`, { headers: s.carol.auth });
    const expected = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", data)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");

    assert.equal(res.status, 201);
    assert.equal(res.body.attachments[0].size, data.length);
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), data);
    const row = await s.deps.database.client.execute("SELECT sha256 FROM attachments");
    assert.equal(row.rows[0].sha256, expected);
    await s.close();
  });
}

/** The real server with file storage in a fresh folder, a group of bob and carol, and probes. */
async function served(env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  const deps = await testDeps({ ATTACHMENTS: `fs:${dir}`, ...env });
  const acme = await seedTenant(deps, "acme", { bob: "member", carol: "member" });
  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });
  const { bob, carol } = acme.users;
  const created = await fetch(`${server.url}/api/chat/conversations/`, {
    method: "POST",
    headers: { ...bob.auth, "content-type": "application/json" },
    body: JSON.stringify({ kind: "group", title: "Files", participant_ids: [carol.user.id] }),
  });
  assert.equal(created.status, 201);
  const conversationId = (await created.json()).id as string;
  const messagesPath = `/api/chat/conversations/${conversationId}/messages/`;
  const files = async () => {
    const found: { path: string; size: number }[] = [];
    const walk = async (at: string) => {
      for await (const entry of Deno.readDir(at)) {
        const path = `${at}/${entry.name}`;
        if (entry.isDirectory) await walk(path);
        else {
          // a file may be renamed or removed between the listing and the stat
          const stat = await Deno.stat(path).catch(() => null);
          if (stat) found.push({ path, size: stat.size });
        }
      }
    };
    await walk(dir);
    return found;
  };
  const scalar = async (sql: string) => Number((await deps.database.client.execute(sql)).rows[0].n);
  return {
    url: server.url,
    port: server.port,
    deps,
    bob,
    carol,
    conversationId,
    messagesPath,
    /** Messages stored, system messages left out. */
    count: () => scalar("SELECT count(*) AS n FROM messages WHERE sender_id IS NOT NULL"),
    attachmentRows: () => scalar("SELECT count(*) AS n FROM attachments"),
    /** Finished files in storage. */
    storedFiles: async () => (await files()).filter((f) => !f.path.endsWith(".tmp")),
    /** Bytes of files still being written. */
    partialBytes: async () => (await files()).filter((f) => f.path.endsWith(".tmp")).reduce((n, f) => n + f.size, 0),
    async send(who: { auth: Record<string, string> }, parts: [string, string | Uint8Array][]) {
      const form = new FormData();
      for (const [name, content] of parts) {
        form.append("attachments", new File([content as BlobPart], name, { type: "application/octet-stream" }));
      }
      const res = await fetch(`${server.url}${messagesPath}`, { method: "POST", headers: who.auth, body: form });
      return { status: res.status, headers: res.headers, body: await res.json() };
    },
    async close() {
      await server.shutdown(100);
      await deps.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

type Served = Awaited<ReturnType<typeof served>>;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the answer came. */
  sent: number;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/**
 * Sends a multipart upload over a raw socket, declaring `declared` bytes (or chunked when
 * null): an optional small file, then up to `send` bytes of one big file (or of preamble
 * before any part), stopping early when the answer comes. Never sends the rest.
 */
async function rawUpload(
  s: Served,
  path: string,
  headers: Record<string, string>,
  options: { declared: number | null; send: number; before?: { name: string; content: string }; preamble?: boolean },
): Promise<RawResponse> {
  const boundary = "----parleytest";
  const parts = options.preamble ? [] : [options.before, { name: "big.txt", content: "" }];
  let head = "";
  for (const part of parts) {
    if (!part) continue;
    head += `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${part.name}"\r\n` +
      `Content-Type: text/plain\r\n\r\n${part.content}`;
    if (part.content) head += "\r\n";
  }
  const socket = net.connect(s.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const answer = readResponse(socket);
  const chunked = options.declared === null;
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
      (chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${options.declared}\r\n`) + "\r\n",
  );
  const frame = (data: string) => chunked ? `${data.length.toString(16)}\r\n${data}\r\n` : data;
  if (head) socket.write(frame(head));
  let sent = head.length;
  let answered = false;
  answer.finally(() => answered = true).catch(() => {});
  const chunk = ("x".repeat(1023) + "\n").repeat(64);
  while (sent < options.send && !answered && !socket.destroyed) {
    sent += chunk.length;
    if (!socket.write(frame(chunk))) await Promise.race([new Promise((r) => socket.once("drain", r)), answer]);
  }
  const res = await withTimeout(answer, 10_000);
  const closed = await withTimeout(new Promise<boolean>((r) => socket.once("close", () => r(true))), 5_000)
    .catch(() => false);
  socket.destroy();
  return { ...res, sent, closed };
}

/** An upload of one `size`-byte file that sends only what the test asks for. */
async function startUpload(s: Served, who: { token: string }, size: number) {
  const boundary = "----parleyslow";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="slow.txt"\r\n` +
    `Content-Type: text/plain\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const socket = net.connect(s.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.on("error", () => {});
  socket.write(
    `POST ${s.messagesPath} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${who.token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${
        head.length + size + tail.length
      }\r\n\r\n${head}`,
  );
  return {
    /** Writes `bytes` more of the file. */
    async wrote(bytes: number) {
      const chunk = "y".repeat(64 * 1024);
      for (let n = 0; n < bytes; n += chunk.length) {
        if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
      }
    },
    abort: () => socket.destroy(),
  };
}

function readResponse(socket: net.Socket): Promise<Omit<RawResponse, "sent" | "closed">> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => {
        const colon = l.indexOf(":");
        return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
      }));
      const length = Number(headers["content-length"] ?? 0);
      if (data.length - end - 4 < length) return;
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: data.subarray(end + 4).toString("utf8") });
    });
    // a write that meets the closed connection fails; the answer may still be there to read
    socket.on("error", () => {});
    socket.on("close", () => reject(new Error(`connection closed without an answer: ${data.toString("latin1")}`)));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ]).finally(() => clearTimeout(timer));
}

/** Waits for a condition the server reaches on its own (cleanup after an abort), up to 10 s. */
async function until(check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached within 10 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}
