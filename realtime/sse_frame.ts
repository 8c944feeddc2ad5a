/**
 * Server-sent event framing. A frame is encoded once per event (and per variant) and the
 * same bytes are written to every recipient, so fan-out costs one encode, not one per stream.
 */

const encoder = new TextEncoder();
const LINE_BREAK = /\r\n|\r|\n/;

/** The fields of one SSE message. */
export interface SseMessage {
  /** The `id:` line; resumable events only. */
  id?: number | string;
  /** The `event:` line; omitted for unnamed messages (htmx swaps only those). */
  event?: string;
  /** The payload; line breaks become separate `data:` lines, as the SSE grammar requires. */
  data: string;
  /** Reconnection delay hint in milliseconds. */
  retry?: number;
}

/** The text of one SSE message, ending with the blank line that dispatches it. */
export function frameText(message: SseMessage): string {
  let text = "";
  if (message.retry !== undefined) text += `retry: ${Math.max(0, Math.floor(message.retry))}\n`;
  if (message.id !== undefined) text += `id: ${singleLine("id", String(message.id))}\n`;
  if (message.event !== undefined) text += `event: ${singleLine("event", message.event)}\n`;
  for (const line of message.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return text + "\n";
}

/**
 * Encodes one SSE message to bytes.
 * @param message id, event name, data and retry hint
 */
export function encodeFrame(message: SseMessage): Uint8Array {
  return encoder.encode(frameText(message));
}

/**
 * Encodes a comment line (ignored by clients; keeps proxies and NAT tables from timing out).
 * @param text the comment
 */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`);
}

/**
 * Encodes only a reconnection delay hint.
 * @param ms the delay
 */
export function encodeRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.max(0, Math.floor(ms))}\n\n`);
}

/**
 * Concatenates frames into one chunk, so a batch costs one write per stream.
 * @param frames encoded frames
 */
export function joinFrames(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

function singleLine(field: string, value: string): string {
  // a line break in id or event would let a value inject extra SSE fields
  if (/[\r\n]/.test(value)) throw new Error(`Cannot encode SSE frame: ${field} contains a line break`);
  return value;
}
