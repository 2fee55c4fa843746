import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from './abuse-limits.js';
import { callerScopeOf } from './caller-scope.js';

describe('token buckets', () => {
  it('allows the burst, then refuses with the seconds to wait, then refills', () => {
    const buckets = new TokenBuckets(10, 10);
    const now = 1_000_000;
    for (let index = 0; index < 10; index += 1) expect(buckets.take('t', 1, now).ok).toBe(true);
    expect(buckets.take('t', 1, now)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['t'] });
    expect(buckets.take('other', 1, now).ok).toBe(true);
    expect(buckets.take('t', 1, now + 150).ok).toBe(true);
    expect(buckets.take('t', 5, now + 150)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['t'] });
  });

  it('takes a request larger than the burst once the bucket is full, and keeps the rate by the debt it leaves', () => {
    const buckets = new TokenBuckets(100, 100);
    const now = 1_000_000;
    // A batch of 150 events at 100 a second: refused while the bucket is not full, with a wait that is the truth.
    expect(buckets.take('t', 10, now).ok).toBe(true);
    expect(buckets.take('t', 150, now)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['t'] });
    expect(buckets.take('t', 150, now + 1_000).ok).toBe(true);
    // 50 tokens in debt: the next event waits the 0.51 s until one is there, 150 more wait until the bucket is full.
    expect(buckets.take('t', 1, now + 1_000)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['t'] });
    expect(buckets.take('t', 1, now + 1_500).ok).toBe(false);
    expect(buckets.take('t', 1, now + 1_520).ok).toBe(true);
    expect(buckets.take('t', 150, now + 2_000)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['t'] });
    expect(buckets.take('t', 150, now + 2_520).ok).toBe(true);
  });

  it('charges every key of a request or none: a batch refused for one tenant costs the others nothing', () => {
    const buckets = new TokenBuckets(10, 10);
    const now = 1_000_000;
    expect(buckets.take('busy', 10, now).ok).toBe(true);
    expect(buckets.takeAll([['quiet', 10], ['busy', 5]], now)).toEqual({ ok: false, retryAfterSeconds: 1, refused: ['busy'] });
    expect(buckets.take('quiet', 10, now)).toEqual({ ok: true });
    expect(buckets.takeAll([['a', 10], ['busy', 5]], now + 500)).toEqual({ ok: true });
    expect(buckets.take('a', 1, now + 500).ok).toBe(false);
  });

  it('keeps a recently used bucket when it holds too many, so a flood of new keys cannot wipe a tenant\'s debt', () => {
    const buckets = new TokenBuckets(1, 1);
    const now = 1_000_000;
    expect(buckets.take('tenant', 1, now).ok).toBe(true);
    for (let index = 0; index < 100_100; index += 1) {
      buckets.take(`scope-${index}`, 1, now);
      if (index % 1000 === 0) expect(buckets.take('tenant', 1, now).ok).toBe(false);
    }
    expect(buckets.take('tenant', 1, now).ok).toBe(false);
  });

  it('is off at 0 per second', () => {
    expect(new TokenBuckets(0).take('t', 1_000_000).ok).toBe(true);
  });
});

describe('the scope a caller draws its bucket and its idempotency keys from', () => {
  const session = (createdBy: string | null, subscriptionIds: string[] | null) => ({ kind: 'portal' as const, tenantId: 'ten_a', createdBy, subscriptionIds, expiresAt: 0 });

  it("gives each portal scope its own, so one customer's pages cannot refuse another's", () => {
    const keys = [
      callerScopeOf({ kind: 'operator' }),
      callerScopeOf({ kind: 'tenant', tenantId: 'ten_a' }),
      callerScopeOf(session(null, null)),
      callerScopeOf(session('user-1', null)),
      callerScopeOf(session('user-2', null)),
      callerScopeOf(session(null, ['sub_1'])),
      callerScopeOf(session(null, ['sub_2'])),
    ];
    // Before: every portal session of the tenant drew from one bucket.
    expect(new Set(keys).size).toBe(keys.length);
    const buckets = new TokenBuckets(1, 1);
    expect(buckets.take(callerScopeOf(session('user-1', null)), 1, 0).ok).toBe(true);
    expect(buckets.take(callerScopeOf(session('user-1', null)), 1, 0).ok).toBe(false);
    expect(buckets.take(callerScopeOf(session('user-2', null)), 1, 0).ok).toBe(true);
  });

  it('shares one among the sessions of one scope, whatever the order of its subscriptions', () => {
    expect(callerScopeOf(session('user-1', ['sub_1', 'sub_2']))).toBe(callerScopeOf(session('user-1', ['sub_2', 'sub_1'])));
  });
});
