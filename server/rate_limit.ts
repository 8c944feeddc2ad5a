import { rateLimited } from "../chat/errors.ts";

/**
 * Fixed-window counters in memory, per key (e.g. `messages:<tenant>:<user>`).
 * Per process: with several instances each enforces its own share, which errs on the side
 * of letting a user through rather than sharing a counter over the network on every request.
 */
export class RateLimiter {
  #windows = new Map<string, { start: number; count: number }>();
  #slots = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Counts one hit and throws a 429 AppError (with Retry-After) once `limit` is exceeded.
   * @param key what is limited, including the tenant and user or IP
   * @param limit hits allowed per window
   * @param windowMs window length
   */
  hit(key: string, limit: number, windowMs: number): void {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 100_000) this.#sweep(now, windowMs);
    }
    w.count++;
    if (w.count > limit) throw rateLimited(Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)));
  }

  /**
   * Counts `amount` hits at once, or none: throws a 429 AppError (with Retry-After) when they
   * would take the window past `limit`, so a refused request uses up nothing.
   * @param key what is limited, including the tenant and user
   * @param amount hits this request stands for (e.g. people added)
   * @param limit hits allowed per window
   * @param windowMs window length
   */
  take(key: string, amount: number, limit: number, windowMs: number): void {
    if (amount <= 0) return;
    const now = this.now();
    const w = this.#windows.get(key);
    const current = w && now - w.start < windowMs ? w : { start: now, count: 0 };
    if (current.count + amount > limit) {
      throw rateLimited(Math.max(1, Math.ceil((current.start + windowMs - now) / 1000)));
    }
    current.count += amount;
    if (current === w) return;
    this.#windows.set(key, current);
    if (this.#windows.size > 100_000) this.#sweep(now, windowMs);
  }

  /**
   * Takes one of `max` slots for work that runs a while (an upload), or throws a 429
   * AppError when all are taken. Call the returned function exactly once when done.
   * @param key what is limited, including the tenant and user
   * @param max slots at once
   * @param retryAfterSeconds the hint given when refused
   */
  acquire(key: string, max: number, retryAfterSeconds: number): () => void {
    const held = this.#slots.get(key) ?? 0;
    if (held >= max) throw rateLimited(retryAfterSeconds);
    this.#slots.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#slots.get(key) ?? 1) - 1;
      if (left > 0) this.#slots.set(key, left);
      else this.#slots.delete(key);
    };
  }

  /** Forgets a key (e.g. after a successful login). */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  #sweep(now: number, windowMs: number) {
    for (const [k, w] of this.#windows) if (now - w.start >= windowMs) this.#windows.delete(k);
  }
}
