import { describe, expect, it } from '@jest/globals';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { groupBySubscription, groupJobId } from './fan-out.js';
import { createBackoffStrategy } from './backoff.js';

const event = (id: string, type: string) => ({ id, type, tenant: 't', profile: 'standard' }) as StoredEvent;
const subscription = (id: string) => ({ id, profile: 'standard' }) as Subscription;

describe('fan-out', () => {
  it('groups events per subscription, in arrival order', () => {
    const a = subscription('sub_a');
    const b = subscription('sub_b');
    const groups = groupBySubscription([event('e1', 'x'), event('e2', 'y'), event('e3', 'x')], (e) => (e.type === 'x' ? [a, b] : [b]));
    expect(groups.map((group) => [group.subscription.id, group.events.map((e) => e.id)])).toEqual([
      ['sub_a', ['e1', 'e3']],
      ['sub_b', ['e1', 'e2', 'e3']],
    ]);
  });

  it('names a group job after its subscription and events, so a re-run adds nothing', () => {
    expect(groupJobId('sub_a', ['e1', 'e2'])).toBe(groupJobId('sub_a', ['e1', 'e2']));
    expect(groupJobId('sub_a', ['e1', 'e2'])).not.toBe(groupJobId('sub_a', ['e2', 'e1']));
    expect(groupJobId('sub_a', ['e1'])).not.toBe(groupJobId('sub_b', ['e1']));
    expect(groupJobId('sub_a', ['e1'])).toMatch(/^g_[A-Za-z0-9_-]+$/);
  });
});

describe('the profile backoff strategy', () => {
  const job = (firstAttempt: number) => ({ data: { kind: 'retry' as const, profile: 'standard', subscriptionId: 's', eventId: 'e', deliveryId: 'd', firstAttempt } });

  it.each([
    [1, 2, 300_000],
    [2, 2, 1_800_000],
    [6, 2, 36_000_000],
    [7, 2, -1],
  ])('after run %i of a job starting at attempt %i waits %i ms', (attemptsMade, firstAttempt, expected) => {
    expect(createBackoffStrategy(1, () => 0)(attemptsMade, 'profile', undefined, job(firstAttempt))).toBe(expected);
  });

  it('scales by RETRY_DELAY_SCALE', () => {
    expect(createBackoffStrategy(0.001, () => 0)(1, 'profile', undefined, job(2))).toBe(300);
  });

  it('adds the jitter the injected random asks for (at most 10 %)', () => {
    expect(createBackoffStrategy(1, () => 0.5)(1, 'profile', undefined, job(2))).toBe(315_000);
  });

  it.each([
    [12_345, 12_345],
    [0, 0],
    [null, 300_000],
    [Number.POSITIVE_INFINITY, 300_000],
  ])('uses the delay the failed attempt decided (%j) when it carries one', (decided, expected) => {
    const error = Object.assign(new Error('HTTP 503'), { retryDelayMs: decided });
    expect(createBackoffStrategy(1, () => 0)(1, 'profile', error, job(2))).toBe(expected);
  });
});
