import assert from "node:assert/strict";
import { chatWorld, makeGroup } from "./world.ts";
import type { ChatWorld } from "./world.ts";
import type { SeededUser } from "../helpers.ts";

const PNG = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0,
  0,
  0,
  13,
  0x49,
  0x48,
  0x44,
  0x52,
  1,
  2,
  3,
]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff]);

function form(fields: Record<string, string>, files: [string, Uint8Array, string?][]) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const [name, bytes, type] of files) {
    body.append("attachments", new File([bytes as Uint8Array<ArrayBuffer>], name, { type: type ?? "image/png" }));
  }
  return body;
}

async function countRows(w: ChatWorld, table: string) {
  const res = await w.deps.database.client.execute(`SELECT count(*) AS n FROM ${table}`);
  return Number(res.rows[0].n);
}

async function download(w: ChatWorld, who: SeededUser, url: string) {
  return await w.app.request(url, { headers: who.auth });
}

for (const backend of ["db", "fs"] as const) {
  Deno.test(`files sent as multipart are stored (${backend} backend) and served to participants only`, async () => {
    const dir = await Deno.makeTempDir();
    const w = await chatWorld({ ATTACHMENTS: backend === "db" ? "db" : `fs:${dir}` });
    const id = await makeGroup(w, w.bob, [w.carol]);

    const sent = await w.call(
      w.bob,
      "POST",
      `/conversations/${id}/messages/`,
      form({ content: "see attached", client_id: "f1" }, [["../../etc/ph<o>to.png", PNG], ["report.pdf", PDF]]),
    );
    const [image, pdf] = sent.body.attachments;
    const asCarol = await download(w, w.carol, image.url);
    const pdfAsCarol = await download(w, w.carol, pdf.url);
    const asErin = await download(w, w.erin, image.url);
    const asOutsider = await download(w, w.outsider, image.url);

    assert.equal(sent.status, 201);
    assert.equal(sent.body.has_attachments, true);
    assert.deepEqual(
      sent.body.attachments.map((a: { filename: string; content_type: string; size: number }) => [
        a.filename,
        a.content_type,
        a.size,
      ]),
      [["photo.png", "image/png", PNG.length], ["report.pdf", "application/pdf", PDF.length]],
    );
    assert.equal(asCarol.status, 200);
    assert.deepEqual(new Uint8Array(await asCarol.arrayBuffer()), PNG);
    assert.equal(asCarol.headers.get("content-type"), "image/png");
    assert.match(asCarol.headers.get("content-disposition")!, /^inline; filename="photo.png"/);
    assert.equal(asCarol.headers.get("x-content-type-options"), "nosniff");
    assert.match(pdfAsCarol.headers.get("content-disposition")!, /^attachment; filename="report.pdf"/);
    assert.deepEqual(new Uint8Array(await pdfAsCarol.arrayBuffer()), PDF);
    assert.equal(asErin.status, 404);
    assert.equal(asOutsider.status, 404);
    if (backend === "db") assert.equal(await countRows(w, "attachment_blobs"), 2);
    else {
      const keys = await w.deps.database.client.execute("SELECT storage_key FROM attachments");
      for (const row of keys.rows) {
        const key = String(row.storage_key);
        const stat = await Deno.stat(`${dir}/${w.bob.user.tenantId}/${key.slice(0, 2)}/${key}`);
        assert.ok(stat.isFile);
      }
    }
    await w.close();
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("a .png that is really an executable is refused with 415 and stores nothing", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);

  const res = await w.call(
    w.bob,
    "POST",
    `/conversations/${id}/messages/`,
    form({ content: "pic" }, [["cat.png", EXE]]),
  );
  const renamed = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, form({}, [["tool.exe", EXE]]));

  assert.equal(res.status, 415);
  assert.equal(res.body.error.code, "unsupported_media_type");
  assert.equal(renamed.status, 415);
  assert.equal(await countRows(w, "messages"), 0);
  assert.equal(await countRows(w, "attachment_blobs"), 0);
  await w.close();
});

Deno.test("a file above MAX_UPLOAD_MB is refused with 413 and a mixed batch stores nothing", async () => {
  const w = await chatWorld({ MAX_UPLOAD_MB: "0.01" });
  const id = await makeGroup(w, w.bob, [w.carol]);
  const big = new Uint8Array(11 * 1024);
  big.set(PNG);

  const res = await w.call(
    w.bob,
    "POST",
    `/conversations/${id}/messages/`,
    form({}, [["ok.png", PNG], ["big.png", big]]),
  );

  assert.equal(res.status, 413);
  assert.equal(res.body.error.code, "payload_too_large");
  assert.equal(await countRows(w, "messages"), 0);
  assert.equal(await countRows(w, "attachments"), 0);
  assert.equal(await countRows(w, "attachment_blobs"), 0);
  await w.close();
});

Deno.test("a send that fails after the files were stored removes them again", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  // a trigger that makes the message insert fail inside the transaction
  await w.deps.database.client.execute(
    "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.content = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END",
  );

  const res = await w.call(
    w.bob,
    "POST",
    `/conversations/${id}/messages/`,
    form({ content: "boom" }, [["a.png", PNG]]),
  );

  assert.equal(res.status, 500);
  assert.equal(await countRows(w, "messages"), 0);
  assert.equal(await countRows(w, "attachment_blobs"), 0);
  await w.close();
});

Deno.test("plain text, Office and WebP files pass the allow-list; HTML renamed .txt is served as text", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const webp = new TextEncoder().encode("RIFF\x10\x00\x00\x00WEBPVP8 ");
  const docx = new TextEncoder().encode("PK\x03\x04....[Content_Types].xml....word/document.xml");

  const res = await w.call(
    w.bob,
    "POST",
    `/conversations/${id}/messages/`,
    form({}, [
      ["notes.txt", new TextEncoder().encode("<script>alert(1)</script>\nhi"), "text/html"],
      ["a.webp", webp],
      ["plan.docx", docx],
    ]),
  );
  const text = await download(w, w.carol, res.body.attachments[0].url);

  assert.equal(res.status, 201);
  assert.equal(res.body.kind, "file");
  assert.deepEqual(res.body.attachments.map((a: { content_type: string }) => a.content_type), [
    "text/plain; charset=utf-8",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ]);
  assert.equal(text.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.match(text.headers.get("content-disposition")!, /^attachment;/);
  await w.close();
});

Deno.test("with DATABASE_ENCRYPTION_KEY files are stored encrypted and served decrypted", async () => {
  const w = await chatWorld({ DATABASE_ENCRYPTION_KEY: "a-very-secret-key-for-tests" });
  const id = await makeGroup(w, w.bob, [w.carol]);

  const sent = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, form({}, [["doc.pdf", PDF]]));
  const got = await download(w, w.carol, sent.body.attachments[0].url);
  const stored = await w.deps.database.client.execute("SELECT data FROM attachment_blobs");

  assert.deepEqual(new Uint8Array(await got.arrayBuffer()), PDF);
  const raw = new Uint8Array(stored.rows[0].data as ArrayBuffer);
  // the record format: marker and salt (24 bytes), then one record with its 16-byte tag
  assert.equal(raw.length, 24 + PDF.length + 16);
  assert.ok(!new TextDecoder("latin1").decode(raw).includes("%PDF"));
  await w.close();
});

Deno.test("deleting a message with files removes the files", async () => {
  const w = await chatWorld();
  const id = await makeGroup(w, w.bob, [w.carol]);
  const sent = await w.call(w.bob, "POST", `/conversations/${id}/messages/`, form({}, [["a.png", PNG]]));

  await w.call(w.bob, "DELETE", `/messages/${sent.body.id}/`);
  const got = await download(w, w.carol, sent.body.attachments[0].url);

  assert.equal(got.status, 404);
  assert.equal(await countRows(w, "attachment_blobs"), 0);
  await w.close();
});
