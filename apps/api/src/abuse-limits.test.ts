import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from './abuse-limits.js';

describe('token buckets', () => {
  it('allows the burst, then refuses with the seconds to wait, then refills', () => {
    const buckets = new TokenBuckets(10, 10);
    const now = 1_000_000;
    for (let index = 0; index < 10; index += 1) expect(buckets.take('t', 1, now).ok).toBe(true);
    expect(buckets.take('t', 1, now)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('other', 1, now).ok).toBe(true);
    expect(buckets.take('t', 1, now + 150).ok).toBe(true);
    expect(buckets.take('t', 25, now + 150)).toEqual({ ok: false, retryAfterSeconds: 3 });
  });

  it('is off at 0 per second', () => {
    expect(new TokenBuckets(0).take('t', 1_000_000).ok).toBe(true);
  });
});
