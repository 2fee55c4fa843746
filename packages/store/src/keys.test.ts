import { describe, expect, it } from '@jest/globals';
import { keyAffixes, Keys } from './keys.js';

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the whole key. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

const sameSlot = (keys: string[]) => new Set(keys.map(hashedPart)).size === 1;

describe('hookfleet keys on a Redis Cluster', () => {
  const keys = new Keys('hookfleet');

  it.each([
    ['accepting an event (script)', [keys.dedupe('evt_1'), keys.event('evt_1'), keys.eventSubscriptions('evt_1')]],
    ['saving or removing a subscription (MULTI with the change stream)', [keys.subscription('sub_1'), keys.allSubscriptions(), keys.subscriptionChanges()]],
    ['writing a new subscription’s document (script checking its creation)', [keys.subscriptionCreation('sub_1'), keys.subscription('sub_1'), keys.allSubscriptions(), keys.subscriptionChanges()]],
    ['the rate limiter (script)', [keys.rateLimit('sub_1'), keys.endpointPause('sub_1')]],
    ['one subscription’s delivery bookkeeping', [keys.attempts('sub_1'), keys.subscriptionState('sub_1'), keys.subscriptionDeliveries('sub_1'), keys.subscriptionDeliveriesByStatus('sub_1', 'failed'), keys.subscriptionDeliveriesByStatus('sub_1', 'dead'), keys.endpointHealth('sub_1')]],
    ['a tenant’s indexes', [keys.tenant('ten_1'), keys.tenantSubscriptions('ten_1'), keys.tenantEvents('ten_1'), keys.compatIndex('paymo', 'ten_1', 'seq'), keys.tenantCompatKeys('ten_1')]],
  ])('puts the keys of %s in one slot', (_operation, group) => {
    expect(sameSlot(group)).toBe(true);
  });

  it('spreads different events, deliveries and subscriptions over different tags', () => {
    expect(sameSlot([keys.event('evt_1'), keys.event('evt_2')])).toBe(false);
    expect(sameSlot([keys.delivery('dlv_1'), keys.delivery('dlv_2')])).toBe(false);
    expect(sameSlot([keys.attempts('sub_1'), keys.attempts('sub_2')])).toBe(false);
  });

  it('keeps an event id with braces of its own in one slot with its marker', () => {
    expect(sameSlot([keys.dedupe('a}b{c'), keys.event('a}b{c')])).toBe(true);
  });

  it('drops the braces of a prefix that is BullMQ’s hash tag, or every key would share its slot', () => {
    const tagged = new Keys('{hookfleet}');
    expect(tagged.event('evt_1')).toBe(keys.event('evt_1'));
    expect(hashedPart(tagged.event('evt_1'))).not.toBe('hookfleet');
  });
});

describe('key affixes', () => {
  it('are the text around the id, so that a script joining them to an id makes the same key', () => {
    const keys = new Keys('{hookfleet}');
    for (const keyOf of [(id: string) => keys.delivery(id), (id: string) => keys.subscriptionDeliveries(id), (id: string) => keys.eventSubscriptions(id)]) {
      const [before, after] = keyAffixes(keyOf);
      expect(`${before}evt_1.a:b-c${after}`).toBe(keyOf('evt_1.a:b-c'));
    }
  });
});
