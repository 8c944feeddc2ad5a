import assert from "node:assert/strict";
import net from "node:net";
import { createApp } from "../../main.ts";
import { listen } from "../../server/http_server.ts";
import { seedTenant, testDeps } from "../helpers.ts";
import { startServer } from "../realtime/server.ts";
import { SseReader } from "../realtime/sse_reader.ts";
import { createGroup } from "../realtime/fixtures.ts";

/**
 * Slow clients over the real listener, with short timeouts so the test need not wait
 * 10 s: headers are due within 300 ms, a body within 600 ms of its headers.
 */
const TIMEOUTS = { headersMs: 300, requestMs: 600 };
const DRIP_MS = 100;

Deno.test("listen() gives a client 10 s for a request's headers and 30 s for its body by default", async () => {
  const deps = await testDeps();

  const server = await listen(createApp(deps).fetch, { port: 0, hostname: "127.0.0.1" });

  assert.deepEqual(server.timeouts, { headersMs: 10_000, requestMs: 30_000 });
  await server.shutdown();
  await deps.close();
});

Deno.test("slow clients are answered 408 and disconnected; idle keep-alive and open streams are not", async (t) => {
  const server = await startServer({}, {}, TIMEOUTS);
  const acme = await seedTenant(server.deps, "acme", { bob: "member" });
  const login = JSON.stringify({ workspace: "acme", email: "bob@acme.test", password: "wrong password, slowly" });
  const postHead = (length: number) =>
    `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  await t.step("a body sent a byte at a time is cut off", async () => {
    const slow = await drip(server.url, postHead(login.length), login);

    assert.match(slow.received, /^HTTP\/1\.1 408 /);
    assert.match(slow.received, /"request_timeout"/);
    assert.ok(slow.sent < login.length, `the whole body went through (${slow.sent} bytes)`);
  });

  await t.step("a chunked body sent slowly is cut off the same way", async () => {
    const head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n";
    const chunks = "1\r\na\r\n".repeat(20);

    const slow = await drip(server.url, head, chunks, 6);

    assert.match(slow.received, /^HTTP\/1\.1 408 /);
    assert.ok(slow.sent < chunks.length, `the whole body went through (${slow.sent} bytes)`);
  });

  await t.step("headers sent a byte at a time are cut off", async () => {
    const slow = await drip(server.url, "GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Padding: " + "a".repeat(30));

    assert.match(slow.received, /^HTTP\/1\.1 408 /);
    assert.ok(slow.sent < 41);
  });

  await t.step("a connection that sends nothing is closed", async () => {
    const silent = await drip(server.url, "", "");

    assert.match(silent.received, /^HTTP\/1\.1 408 /);
    assert.equal(silent.closed, true);
  });

  await t.step("on a kept-alive connection, a following request's slow headers are cut off too", async () => {
    const slow = await drip(
      server.url,
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\n",
      "X-Padding: " + "a".repeat(30),
    );

    assert.match(slow.received, /^HTTP\/1\.1 200 /);
    assert.match(slow.received, /HTTP\/1\.1 408 /);
    assert.ok(slow.sent < 41);
  });

  await t.step("an idle kept-alive connection stays open and takes the next request", async () => {
    const socket = await connect(server.url);
    const received: string[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    const request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

    socket.write(request);
    await sleep(TIMEOUTS.requestMs * 3);
    const openAfterIdling = !socket.destroyed && !socket.readableEnded;
    socket.write(request);
    await waitFor(() => received.join("").split("HTTP/1.1 200").length === 3);
    socket.destroy();

    assert.equal(openAfterIdling, true);
  });

  await t.step("an event stream outlives both timeouts and keeps delivering", async () => {
    const conversationId = await createGroup(server.deps, acme.admin.user, [acme.users.bob.user]);
    const stream = await SseReader.open(`${server.url}/api/chat/events`, acme.users.bob.auth);
    await stream.count("connected", 1);

    await sleep(TIMEOUTS.requestMs * 3);
    const sent = await fetch(`${server.url}/api/chat/conversations/${conversationId}/messages/`, {
      method: "POST",
      headers: { ...acme.admin.auth, "content-type": "application/json" },
      body: JSON.stringify({ content: "still there?" }),
    });
    await sent.body?.cancel();

    await stream.count("message_created", 1);
    await stream.close();
  });

  await server.close();
});

/**
 * Sends `head` at once, then `rest` a few bytes every 100 ms, until all is sent or the
 * server closed the connection; returns what came back and how much was sent.
 */
async function drip(url: string, head: string, rest: string, step = 1) {
  const socket = await connect(url);
  let received = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => received += chunk.toString());
  socket.on("error", () => {});
  const done = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  done.then(() => closed = true);
  socket.write(head);
  let sent = 0;
  while (!closed && sent < rest.length) {
    await sleep(DRIP_MS);
    if (closed) break;
    socket.write(rest.slice(sent, sent + step));
    sent += step;
  }
  // an answer to a complete request would come now; a cut-off connection is closed already
  await Promise.race([done, sleep(2_000)]);
  socket.destroy();
  return { received, sent, closed };
}

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}
