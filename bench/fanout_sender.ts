/**
 * The sender of `bench/fanout.ts`: posts messages over a pool of raw keep-alive HTTP/1.1
 * connections. `fetch` adds about a millisecond of its own per request on this machine,
 * which would hide the server's latency in the measurement.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Idle connections older than this are not reused (below node:http's 5 s keep-alive timeout). */
const MAX_IDLE_MS = 4_000;

/** One keep-alive connection that sends a request and reads the whole response. */
class Connection {
  #buf = new Uint8Array(64 * 1024);
  #pending = new Uint8Array(0);
  /** When the last response was read (performance.now()). */
  idleSince = performance.now();

  private constructor(readonly conn: Deno.TcpConn) {}

  static async open(url: URL): Promise<Connection> {
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    conn.setNoDelay(true);
    return new Connection(conn);
  }

  /** Sends one request and answers the status code once the whole response is read. */
  async request(head: string, body: Uint8Array): Promise<number> {
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(encoder.encode(head));
    bytes.set(body, head.length);
    await this.conn.write(bytes);
    let data = this.#pending;
    while (true) {
      const text = decoder.decode(data);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
        const total = end + 4 + length;
        if (data.length >= total) {
          this.#pending = data.slice(total);
          this.idleSince = performance.now();
          return Number(text.slice(9, 12));
        }
      }
      const n = await this.conn.read(this.#buf);
      if (n === null) throw new Error("connection closed");
      const joined = new Uint8Array(data.length + n);
      joined.set(data);
      joined.set(this.#buf.subarray(0, n), data.length);
      data = joined;
    }
  }

  close() {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** A pool of keep-alive connections posting JSON with a bearer token. */
export class Sender {
  #idle: Connection[] = [];
  #all: Connection[] = [];

  constructor(readonly url: URL, readonly token: string) {}

  /**
   * POSTs a JSON body; answers the status code.
   * @param path the request path
   * @param json the body
   */
  async post(path: string, json: unknown): Promise<number> {
    const connection = this.#takeIdle() ?? await this.#open();
    const body = encoder.encode(JSON.stringify(json));
    const head = `POST ${path} HTTP/1.1\r\nhost: ${this.url.host}\r\nauthorization: Bearer ${this.token}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    try {
      const status = await connection.request(head, body);
      this.#idle.push(connection);
      return status;
    } catch (e) {
      connection.close();
      this.#all = this.#all.filter((c) => c !== connection);
      throw e;
    }
  }

  /** Warms up `n` connections so the first measured requests do not pay for connecting. */
  async warm(n: number): Promise<void> {
    const opened = await Promise.all(Array.from({ length: n }, () => this.#open()));
    this.#idle.push(...opened);
  }

  close(): void {
    for (const c of this.#all) c.close();
    this.#all = [];
    this.#idle = [];
  }

  /**
   * The most recently used idle connection. Those idle for longer than the server keeps
   * them (node:http closes keep-alive connections after 5 s) are closed instead: a send
   * on one would fail. The sends come from one connection at a calm rate, so the others
   * age until a burst needs them.
   */
  #takeIdle(): Connection | undefined {
    const now = performance.now();
    const stale = this.#idle.filter((c) => now - c.idleSince > MAX_IDLE_MS);
    for (const c of stale) c.close();
    this.#idle = this.#idle.filter((c) => !stale.includes(c));
    this.#all = this.#all.filter((c) => !stale.includes(c));
    return this.#idle.pop();
  }

  async #open(): Promise<Connection> {
    const c = await Connection.open(this.url);
    this.#all.push(c);
    return c;
  }
}
