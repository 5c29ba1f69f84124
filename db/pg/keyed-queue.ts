/**
 * Runs calls that share a key one after another within this process: the votes of one poll wait
 * here, in memory, for the one ahead of them — not holding a pooled connection each while they
 * wait for the poll's row lock. A hot poll then takes one connection of the pool, and every other
 * poll, page and health check keeps the rest. Across instances the row lock still orders them.
 */
export function keyedQueue() {
  const tails = new Map<number, Promise<unknown>>();
  return <T>(key: number, run: () => Promise<T>): Promise<T> => {
    const ahead = tails.get(key) ?? Promise.resolve();
    const result = ahead.then(run);
    const tail = result.then(
      () => {},
      () => {},
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
