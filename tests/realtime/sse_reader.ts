/** One parsed SSE message. */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/** Reads a real `text/event-stream` response body, message by message. */
export class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  ended = false;
  /** Called with each message as it is parsed (benchmarks time arrivals with it). */
  onMessage: ((message: SseMessage) => void) | null = null;
  #waiters = new Set<() => void>();
  #reader: ReadableStreamDefaultReader<string>;
  #done: Promise<void>;

  constructor(readonly response: Response) {
    this.#reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    this.#done = this.#pump();
  }

  /** Opens a stream with fetch. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers } });
    if (response.status !== 200) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
    return new SseReader(response);
  }

  /** Named events of one type. */
  of(type: string): SseMessage[] {
    return this.messages.filter((m) => m.event === type);
  }

  /** Waits until `predicate` holds for the messages so far. */
  async until(predicate: (messages: SseMessage[]) => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (this.ended) throw new Error(`stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.event))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** Waits until at least `n` events of `type` arrived. */
  count(type: string, n: number, timeoutMs = 5000): Promise<void> {
    return this.until((m) => m.filter((x) => x.event === type).length >= n, timeoutMs, `${n} ${type}`);
  }

  /** Waits until the server ends the stream. */
  async end(timeoutMs = 5000): Promise<void> {
    await Promise.race([
      this.#done,
      new Promise((_, reject) => setTimeout(() => reject(new Error("stream did not end")), timeoutMs)),
    ]);
  }

  /** Closes the connection from the client side. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.#done;
  }

  async #pump() {
    let buffer = "";
    try {
      while (true) {
        const { value, done } = await this.#reader.read();
        if (done) break;
        const blocks = (buffer + value).split("\n\n");
        buffer = blocks.pop()!;
        for (const block of blocks) this.#parse(block);
        for (const w of this.#waiters) w();
        this.#waiters.clear();
      }
    } catch { /* the stream was closed or errored */ }
    this.ended = true;
    for (const w of this.#waiters) w();
  }

  #parse(block: string) {
    const message: SseMessage = { id: null, event: "message", data: "" };
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) message.id = line.slice(4);
      else if (line.startsWith("event: ")) message.event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("retry: ")) this.retry = Number(line.slice(7));
    }
    message.data = data.join("\n");
    if (data.length === 0) return;
    this.messages.push(message);
    this.onMessage?.(message);
  }
}
