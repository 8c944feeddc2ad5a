/**
 * A FIFO lock: each `run` starts once every earlier one has settled, whether it succeeded
 * or failed.
 */
export class FifoLock {
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` in its turn.
   * @param fn the work that holds the lock until its promise settles
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => {});
    return result;
  }
}
