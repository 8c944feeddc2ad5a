/**
 * The floor for `bench/fanout.ts`: the least an SSE server on Deno.serve can do. Every
 * stream is a bare ReadableStream; a POST enqueues one shared frame (carrying the posted
 * content) into all of them. No auth, no database, no routing. Run the benchmark against
 * it with `FANOUT_SERVER=bench/fanout_floor.ts` to see what Deno itself costs per stream
 * and per delivery on this machine.
 */

const encoder = new TextEncoder();
const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
let id = 0;

const server = Deno.serve({ hostname: Deno.env.get("HOST"), port: Number(Deno.env.get("PORT")) }, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/api/chat/events") {
    let mine: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        mine = controller;
        streams.add(controller);
        controller.enqueue(encoder.encode('event: connected\ndata: {"user_id":"x"}\n\n'));
      },
      cancel() {
        streams.delete(mine);
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }
  if (path === "/__gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    return Response.json({ ...Deno.memoryUsage(), collected: gc !== undefined });
  }
  if (req.method === "POST") {
    const { content } = await req.json();
    const createdAt = new Date().toISOString();
    const frame = encoder.encode(
      `id: ${++id}\nevent: message_created\ndata: ${
        JSON.stringify({ message: { content, created_at: createdAt } })
      }\n\n`,
    );
    for (const controller of streams) controller.enqueue(frame);
    return Response.json({ id }, { status: 201 });
  }
  return new Response("ok");
});

Deno.addSignalListener("SIGTERM", () => {
  for (const controller of streams) controller.close();
  server.shutdown().then(() => Deno.exit(0));
});
