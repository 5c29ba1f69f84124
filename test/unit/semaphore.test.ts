import { describe, expect, it } from 'vitest';
import { passwordChecker, SCRYPT_CONCURRENCY } from '@/lib/admin-session';
import { Semaphore } from '@/lib/semaphore';

/** A task the test finishes by hand, so "in flight" is observed without any clock. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A Semaphore that records the most tasks it ever saw running at once. */
class WatchedSemaphore extends Semaphore {
  inFlight = 0;
  mostInFlight = 0;
  override run<T>(task: () => Promise<T>): Promise<T> {
    return super.run(async () => {
      this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
      try {
        return await task();
      } finally {
        this.inFlight--;
      }
    });
  }
}

describe('Semaphore', () => {
  it.each([1, 3])('never runs more than %i tasks at once, and runs them in arrival order', async (limit) => {
    const semaphore = new WatchedSemaphore(limit);
    const tasks = Array.from({ length: 10 }, () => deferred());
    const started: number[] = [];
    const done = tasks.map((task, index) =>
      semaphore.run(async () => {
        started.push(index);
        await task.promise;
        return index;
      }),
    );
    await settle();
    expect(started).toEqual(Array.from({ length: limit }, (_, i) => i));
    expect(semaphore.waiting).toBe(10 - limit);
    for (const task of tasks) {
      task.resolve();
      await settle();
      expect(semaphore.inFlight).toBeLessThanOrEqual(limit);
    }
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(semaphore.mostInFlight).toBe(limit);
    expect(semaphore.running).toBe(0);
  });

  it('gives the slot back when a task fails', async () => {
    const semaphore = new Semaphore(1);
    const failing = deferred();
    const first = semaphore.run(() => failing.promise);
    const second = semaphore.run(async () => 'second ran');
    failing.reject(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('second ran');
    expect(semaphore.running).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('passwordChecker', () => {
  it(`hashes at most ${SCRYPT_CONCURRENCY} attempt at a time however many arrive together, and still answers each`, async () => {
    const limiter = new WatchedSemaphore(SCRYPT_CONCURRENCY);
    const check = await passwordChecker('correct horse battery', limiter);
    const attempts = ['wrong', 'correct horse battery', '', 'correct horse batter', 'correct horse battery'];
    expect(await Promise.all(attempts.map(check))).toEqual([false, true, false, false, true]);
    expect(limiter.mostInFlight).toBe(SCRYPT_CONCURRENCY);
  });
});
