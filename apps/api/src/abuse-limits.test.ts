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
    expect(buckets.take('t', 5, now + 150)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('takes a request larger than the burst once the bucket is full, and keeps the rate by the debt it leaves', () => {
    const buckets = new TokenBuckets(100, 100);
    const now = 1_000_000;
    // A batch of 150 events at 100 a second: refused while the bucket is not full, with a wait that is the truth.
    expect(buckets.take('t', 10, now).ok).toBe(true);
    expect(buckets.take('t', 150, now)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('t', 150, now + 1_000).ok).toBe(true);
    // 50 tokens in debt: the next event waits the 0.51 s until one is there, 150 more wait until the bucket is full.
    expect(buckets.take('t', 1, now + 1_000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('t', 1, now + 1_500).ok).toBe(false);
    expect(buckets.take('t', 1, now + 1_520).ok).toBe(true);
    expect(buckets.take('t', 150, now + 2_000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('t', 150, now + 2_520).ok).toBe(true);
  });

  it('is off at 0 per second', () => {
    expect(new TokenBuckets(0).take('t', 1_000_000).ok).toBe(true);
  });
});
