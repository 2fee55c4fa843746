import { describe, expect, it } from '@jest/globals';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { findProfile, lastAttemptWithinMs } from '@hookfleet/profiles';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';
import { handOverJobs, handsOverAtAcceptance, planHandOver } from './hand-over.js';

const HOUR = 3600 * 1000;
const batching = { id: 'sub_b', tenant: 't', profile: 'standard', url: 'https://example.com/hook', batch: { max_events: 10, max_wait_ms: 1000 }, delay_seconds: 0 } as Subscription;
/** What the standard profile's ladder needs kept, with no delay, at scale 1. */
const standardNeedMs = lastAttemptWithinMs({ ladderMs: findProfile('standard')?.retryDelaysMs ?? [], delayMs: 0, scale: 1 });

describe('handsOverAtAcceptance', () => {
  it.each<[string, Partial<Subscription>, number, number, boolean]>([
    // case, changes to a batching http subscription, accepted payload TTL (ms), retry delay scale, handed over
    ['batching, http, no delay, ladder within the TTL', {}, 48 * HOUR, 1, true],
    ['ladder exactly the TTL', {}, standardNeedMs, 1, true],
    ['ladder a millisecond past the TTL', {}, standardNeedMs - 1, 1, false],
    // Every need has an hour's grace after the last attempt (payload-lifetime.ts).
    ['the same ladder scaled down fits a short TTL', {}, 2 * HOUR, 0.01, true],
    ['its own ladder, short', { retry: { delays_seconds: [1, 2], max_attempts: 3 } }, 2 * HOUR, 1, true],
    ['its own ladder, longer than the TTL', { retry: { delays_seconds: [7200], max_attempts: 2 } }, 2 * HOUR, 1, false],
    ['not batching', { batch: null }, 48 * HOUR, 1, false],
    ['batch absent', { batch: undefined }, 48 * HOUR, 1, false],
    ['ordered', { ordered: true }, 48 * HOUR, 1, false],
    ['ordered false', { ordered: false }, 48 * HOUR, 1, true],
    ['a delay', { delay_seconds: 30 }, 48 * HOUR, 1, false],
    ['a poll destination', { url: '', destination: { type: 'poll' } as Subscription['destination'] }, 48 * HOUR, 1, false],
    ['a broker destination', { url: '', destination: { type: 'nats', url: 'nats://127.0.0.1', subject: 's' } as Subscription['destination'] }, 48 * HOUR, 1, false],
    ['an unknown profile', { profile: 'nope' }, 48 * HOUR, 1, false],
  ])('%s', (_case, changes, ttlMs, scale, expected) => {
    expect(handsOverAtAcceptance({ ...batching, ...changes }, ttlMs, scale)).toBe(expected);
  });
});

const event = (id: string, type: string) => ({ id, type, tenant: 't', profile: 'standard' }) as StoredEvent;

describe('planHandOver and handOverJobs', () => {
  const a = { ...batching, id: 'sub_a' };
  const b = { ...batching, id: 'sub_b', profile: 'paymo' };
  const events = [event('e1', 'x'), event('e2', 'y'), event('e3', 'x'), event('e4', 'z')];
  // sub_c matches x and y events and does not hand over (not batching).
  const c = { ...batching, id: 'sub_c', batch: undefined } as unknown as Subscription;
  const matchAll = (e: StoredEvent) => (e.type === 'x' ? [a, b] : e.type === 'y' ? [b, c] : []);
  const handsOver = (subscription: Subscription) => subscription.id !== 'sub_c';
  const plan = planHandOver(events, matchAll, handsOver, true);

  it('gives per event its subscriptions and per subscription its events in arrival order', () => {
    expect(plan.subscriptionIdsByEvent).toEqual([['sub_a', 'sub_b'], ['sub_b'], ['sub_a', 'sub_b'], []]);
    expect([...plan.eventIdsBySubscription].map(([id, entry]) => [id, entry.eventIds])).toEqual([
      ['sub_a', ['e1', 'e3']],
      ['sub_b', ['e1', 'e2', 'e3']],
    ]);
  });

  it.each([
    [true, ['e1', 'e3']],
    [false, []],
  ])('leaves out of the matcher only events handed over to all they match, by a copy caught up (%s)', (caughtUp, whole) => {
    // e2 also matches sub_c, which the matcher must still be asked for; e4 matches nothing the copy knows.
    expect([...planHandOver(events, matchAll, handsOver, caughtUp).handedOverWhole]).toEqual(whole);
  });

  it('builds one unrecorded batch job per subscription for the accepted events, named as the matcher would', () => {
    const accepted = new Set(['e2', 'e3']);
    expect(handOverJobs(plan, (id) => accepted.has(id))).toEqual([
      {
        name: 'batch',
        data: { kind: 'batch', subscriptionId: 'sub_a', profile: 'standard', eventIds: ['e3'], unrecorded: true },
        opts: { jobId: groupJobId('sub_a', ['e3']), ...GROUP_JOB_RETRIES },
      },
      {
        name: 'batch',
        data: { kind: 'batch', subscriptionId: 'sub_b', profile: 'paymo', eventIds: ['e2', 'e3'], unrecorded: true },
        opts: { jobId: groupJobId('sub_b', ['e2', 'e3']), ...GROUP_JOB_RETRIES },
      },
    ]);
  });

  it('builds nothing for a flush of duplicates', () => {
    expect(handOverJobs(plan, () => false)).toEqual([]);
  });
});
