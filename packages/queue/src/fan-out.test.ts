import { describe, expect, it } from '@jest/globals';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { groupBySubscription, groupJobId } from './fan-out.js';

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

  it('keeps the ids of earlier versions: a matcher of either version, run twice across an upgrade, adds the group once', () => {
    expect(groupJobId('sub_1', ['evt_a', 'evt_b', 'ü'])).toBe('g_yq8wGBrd6CPkf6Xd-7pYU__U3oBEV2Yl');
  });
});
