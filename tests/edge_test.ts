import assert from "node:assert/strict";
import { SseReader } from "./realtime/sse_reader.ts";
import { openDatabase } from "../db/client.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "edge-secret-edge-secret-edge-secret-!!";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** `deno serve` of edge.ts as a child process; `flags` are its permissions. */
function serveEdge(env: Record<string, string>, flags: string[]) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", ...flags, "--host", "127.0.0.1", "--port", String(port), "edge.ts"],
    cwd: ROOT,
    env: { SESSION_SECRET: SECRET, ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    /** Polls until the server answers at all. */
    async answering(path: string): Promise<Response> {
      for (let i = 0; i < 300; i++) {
        try {
          return await fetch(`http://127.0.0.1:${port}${path}`);
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      throw new Error("edge.ts did not start listening");
    },
    async stop(): Promise<string> {
      child.kill("SIGTERM");
      const status = await Promise.race([
        child.status,
        new Promise<null>((r) => setTimeout(() => r(null), 5_000)),
      ]);
      if (status === null) child.kill("SIGKILL");
      await child.status;
      const [out, err] = await output;
      return out + err;
    },
  };
}

Deno.test("edge.ts under deno serve: signup, login, send and the event stream over real HTTP", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-edge-" });
  const databaseUrl = `file:${dir}/parley.db`;
  const edge = serveEdge({ DATABASE_URL: databaseUrl }, ["--allow-all"]);
  try {
    const health = await edge.answering("/healthz");
    await health.body?.cancel();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${edge.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });

    const signup = await post("/api/auth/signup", {
      workspace_name: "Edge Co",
      workspace_slug: "edge",
      name: "Erin",
      email: "erin@edge.test",
      password: "correct horse battery staple",
    });
    const wrong = await post("/api/auth/login", { workspace: "edge", email: "erin@edge.test", password: "nope nope" });
    const login = await post("/api/auth/login", {
      workspace: "edge",
      email: "erin@edge.test",
      password: "correct horse battery staple",
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}` };
    const group = await (await post("/api/chat/conversations", { title: "Edge", participant_ids: [] }, auth)).json();
    const stream = await SseReader.open(`${edge.url}/api/chat/events`, auth);
    await stream.until((m) => m.some((e) => e.event === "connected"), 5_000, "connected");
    const sent = await post(`/api/chat/conversations/${group.id}/messages`, { content: "hello from the edge" }, auth);
    const message = await sent.json();
    await stream.until((m) => m.some((e) => e.event === "message_created"), 5_000, "message_created");
    await stream.close();

    assert.equal(signup.status, 201);
    await signup.body?.cancel();
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.equal(login.status, 200);
    assert.equal(sent.status, 201);
    const event = JSON.parse(stream.of("message_created")[0].data);
    assert.equal(event.message?.id ?? event.data?.message?.id, message.id);
    // the edge entry hashes with WebCrypto, not the native argon2
    const database = await openDatabase(databaseUrl);
    const { rows } = await database.client.execute("SELECT password_hash FROM users");
    await database.close();
    assert.match(String(rows[0].password_hash), /^\$pbkdf2-sha256\$i=600000\$/);
  } finally {
    await edge.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("edge.ts with an http(s):// database talks HTTP and loads no native module", async () => {
  // stands in for a libSQL server: records what the client asks and refuses it
  const asked: string[] = [];
  const ac = new AbortController();
  const fake = Deno.serve({ hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} }, async (req) => {
    asked.push(`${req.method} ${new URL(req.url).pathname}`);
    await req.body?.cancel();
    return Response.json({ message: "not a real database" }, { status: 500 });
  });
  // no --allow-ffi: loading any native module (libsql, argon2) throws at once
  const edge = serveEdge({ DATABASE_URL: `http://127.0.0.1:${fake.addr.port}` }, [
    "--deny-ffi",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-sys",
  ]);
  try {
    const res = await edge.answering("/healthz");
    const body = await res.json();
    const log = await edge.stop();

    assert.equal(res.status, 503);
    assert.equal(body.error.code, "unavailable");
    assert.ok(asked.some((a) => a === "POST /v2/pipeline"), `the HTTP client reached the database: ${asked}`);
    assert.doesNotMatch(log, /ffi|NotCapable|\.node\b/i);
  } finally {
    await edge.stop().catch(() => "");
    ac.abort();
    await fake.finished;
  }
});
