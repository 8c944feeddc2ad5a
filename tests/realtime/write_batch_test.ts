import assert from "node:assert/strict";
import { WriteBatch } from "../../realtime/write_batch.ts";

/** A stream that records the chunks written to it. */
class Recorder {
  chunks: Uint8Array[] = [];
  batchSlot = -1;
  constructor(readonly onWrite?: () => void) {}
  write(chunk: Uint8Array) {
    this.chunks.push(chunk);
    this.onWrite?.();
    return true;
  }
}

const frame = (text: string) => new TextEncoder().encode(text);
const text = (chunk: Uint8Array) => new TextDecoder().decode(chunk);

Deno.test("a write batch gives each stream one chunk of its frames in order, shared by streams with the same frames", () => {
  const batch = new WriteBatch();
  const [a, b, c] = [new Recorder(), new Recorder(), new Recorder()];
  const [one, two, three] = [frame("1\n\n"), frame("2\n\n"), frame("3\n\n")];
  batch.add(a, one);
  batch.add(b, one);
  batch.add(c, two);
  batch.add(a, two);
  batch.add(b, two);
  batch.add(a, three);
  assert.equal(batch.count, 6);

  batch.flush();

  assert.deepEqual([a, b, c].map((r) => r.chunks.map(text)), [["1\n\n2\n\n3\n\n"], ["1\n\n2\n\n"], ["2\n\n"]]);
  // a lone frame goes out as it is, not copied
  assert.equal(c.chunks[0], two);
  assert.equal(batch.count, 0);

  // the next batch starts empty, whatever places the streams had in the last one
  batch.add(c, three);
  batch.add(b, three);
  batch.add(b, one);
  batch.add(c, one);
  batch.flush();
  assert.deepEqual([a, b, c].map((r) => r.chunks.slice(1).map(text)), [[], ["3\n\n1\n\n"], ["3\n\n1\n\n"]]);
  assert.equal(b.chunks[1], c.chunks[1], "streams with the same frames share the joined chunk");
  assert.equal(a.chunks.length, 1);
});

Deno.test("a stream in two batches at once gets every frame of each, in order", () => {
  const first = new WriteBatch();
  const second = new WriteBatch();
  const [a, b] = [new Recorder(), new Recorder()];
  first.add(b, frame("b1"));
  first.add(a, frame("a1"));
  second.add(a, frame("x1"));
  first.add(a, frame("a2"));
  second.add(a, frame("x2"));
  first.flush();
  second.flush();
  assert.equal(a.chunks.map(text).join(""), "a1a2x1x2");
  assert.deepEqual(b.chunks.map(text), ["b1"]);
});

Deno.test("a frame added while a batch is being written waits for the next flush", () => {
  const batch = new WriteBatch();
  const late = new Recorder();
  const early = new Recorder(() => batch.add(late, frame("late")));
  batch.add(early, frame("early"));
  batch.flush();
  assert.deepEqual(late.chunks, []);
  assert.equal(batch.count, 1);
  batch.flush();
  assert.deepEqual(late.chunks.map(text), ["late"]);
});
