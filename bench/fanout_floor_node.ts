/**
 * The floor on node:http, the server Parley runs on: like `bench/fanout_floor.ts`, but
 * every stream is a node:http response written to directly. No auth, no database, no
 * routing. `FANOUT_SERVER=bench/fanout_floor_node.ts deno task bench:fanout` shows what the
 * runtime itself costs per stream and per delivery on this machine. It uses only Node's
 * APIs, so the same floor can be measured on Node.js itself (see `bench/fanout.ts`).
 */
import http from "node:http";
import process from "node:process";
import { Buffer } from "node:buffer";

const streams = new Set<http.ServerResponse>();
let id = 0;
const gc = (globalThis as { gc?: () => void }).gc;

const server = http.createServer((req, res) => {
  const path = req.url!.split("?")[0];
  if (path === "/api/chat/events") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('event: connected\ndata: {"user_id":"x"}\n\n');
    streams.add(res);
    res.on("close", () => streams.delete(res));
    return;
  }
  if (path === "/__gc") {
    gc?.();
    gc?.();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ...process.memoryUsage(), collected: gc !== undefined }));
    return;
  }
  if (req.method === "POST") {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const { content } = JSON.parse(Buffer.concat(chunks).toString());
      const createdAt = new Date().toISOString();
      const frame = Buffer.from(
        `id: ${++id}\nevent: message_created\ndata: ${
          JSON.stringify({ message: { content, created_at: createdAt } })
        }\n\n`,
      );
      for (const s of streams) s.write(frame);
      const body = JSON.stringify({ id });
      res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  res.end("ok");
});
server.listen(Number(process.env.PORT), process.env.HOST);
process.on("SIGTERM", () => process.exit(0));
