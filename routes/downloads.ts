/**
 * Bodies for downloads that are read as they are sent: each page of rows is encoded (as one
 * chunk) when the client pulls for more, so a large download never sits in memory and a
 * client going away stops the reading (the iterator is returned).
 */

/** One JSON object per line (JSON Lines). */
export function jsonLinesBody(pages: AsyncIterable<unknown[]>): ReadableStream<Uint8Array> {
  return encoded(map(pages, (rows) => rows.map((row) => `${JSON.stringify(row)}\n`).join("")));
}

/** RFC 4180 CSV with a header row; objects and arrays in a cell are written as JSON. */
export function csvBody<K extends string>(
  columns: readonly K[],
  pages: AsyncIterable<Record<K, unknown>[]>,
): ReadableStream<Uint8Array> {
  const header = `${columns.join(",")}\r\n`;
  const line = (row: Record<K, unknown>) => `${columns.map((k) => csvCell(row[k])).join(",")}\r\n`;
  return encoded(prepend(header, map(pages, (rows) => rows.map(line).join(""))));
}

/**
 * Headers of a streamed download: never stored by caches (they hold a workspace's data),
 * and sent as written (`no-transform` keeps the compression middleware off, so each page
 * leaves when it is read).
 * @param contentType the media type
 * @param filename the suggested file name (ASCII)
 */
export function downloadHeaders(contentType: string, filename: string): Record<string, string> {
  return {
    "content-type": contentType,
    "content-disposition": `attachment; filename="${filename}"`,
    "cache-control": "no-store, no-transform",
  };
}

function encoded(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks).pipeThrough(new TextEncoderStream());
}

function csvCell(value: unknown): string {
  let cell = value === null || value === undefined
    ? ""
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  // a spreadsheet runs a cell starting with these as a formula: names and details come
  // from users, so such a cell is kept as text (CSV injection)
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

async function* map<T, R>(rows: AsyncIterable<T>, fn: (row: T) => R): AsyncGenerator<R> {
  for await (const row of rows) yield fn(row);
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}
