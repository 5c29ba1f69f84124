/**
 * Fake timers meet a real database: `advanceTimersByTimeAsync` flushes promise callbacks, but a
 * PostgreSQL read waits on a socket, so the live-results hub's read is still out when the test
 * looks. Wrap the stores the hub reads with `tracked`, and `settle` waits (timers frozen) until
 * every call they started has finished and its callbacks ran — on SQLite it changes nothing.
 */
import { vi } from 'vitest';

export interface Tracker {
  /** The object with every method call's promise tracked. */
  track<T extends object>(target: T): T;
  /** Advances the fake clock by `ms`, then waits until no tracked call is pending. */
  advance(ms: number): Promise<void>;
}

export function tracker(): Tracker {
  const pending = new Set<Promise<unknown>>();
  return {
    track<T extends object>(target: T): T {
      return new Proxy(target, {
        get(object, key, receiver) {
          const value = Reflect.get(object, key, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const result = (value as (...args: unknown[]) => unknown).apply(object, args);
            if (result instanceof Promise) {
              const settled = result.then(
                () => undefined,
                () => undefined,
              );
              pending.add(settled);
              void settled.then(() => pending.delete(settled));
            }
            return result;
          };
        },
      });
    },
    async advance(ms: number) {
      await vi.advanceTimersByTimeAsync(ms);
      while (pending.size > 0) {
        await Promise.all([...pending]);
        await vi.advanceTimersByTimeAsync(0);
      }
    },
  };
}
