import { describe, expect, it } from 'vitest';
import { TokenBuckets, WRITE_LIMIT } from '@/http/rate-limit';

describe('TokenBuckets', () => {
  it('never refuses an office voting about once a second for an hour', () => {
    const buckets = new TokenBuckets(WRITE_LIMIT);
    let refused = 0;
    for (let second = 0; second < 3600; second++) {
      // A vote every second, and now and then three colleagues at once.
      const posts = second % 60 === 0 ? 3 : 1;
      for (let i = 0; i < posts; i++) if (!buckets.take('office', second * 1000).allowed) refused++;
    }
    expect(refused).toBe(0);
  });

  it('refuses most of a flood of hundreds of posts a second, with a Retry-After', () => {
    const buckets = new TokenBuckets(WRITE_LIMIT);
    const results = Array.from({ length: 500 }, (_, i) => buckets.take('flood', i * 2)); // 500 in one second
    const allowed = results.filter((r) => r.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(WRITE_LIMIT.capacity);
    expect(allowed).toBeLessThanOrEqual(WRITE_LIMIT.capacity + WRITE_LIMIT.refillPerSecond + 1);
    const refusal = results.find((r) => !r.allowed);
    expect(refusal).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('recovers at the refill rate', () => {
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1, maxKeys: 10 });
    expect(buckets.take('k', 0).allowed).toBe(true);
    expect(buckets.take('k', 0).allowed).toBe(true);
    expect(buckets.take('k', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('k', 999).allowed).toBe(false);
    expect(buckets.take('k', 2000).allowed).toBe(true);
  });

  it('keeps clients apart and memory bounded', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001, maxKeys: 100 });
    expect(buckets.take('a', 0).allowed).toBe(true);
    expect(buckets.take('b', 0).allowed).toBe(true);
    expect(buckets.take('a', 0).allowed).toBe(false);
    for (let i = 0; i < 1000; i++) buckets.take(`spoof-${i}`, 0);
    expect(buckets.size).toBe(100);
  });
});
