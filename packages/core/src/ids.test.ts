import { describe, expect, it } from '@jest/globals';
import { deliveryIdFor, newId, sha256Hex } from './ids.js';

describe('newId', () => {
  it('gives distinct, time-ordered ids with 16 hex digits of randomness, also across refills of the random pool', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('evt'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^evt_[0-9a-z]{9}[0-9a-f]{16}$/);
    const times = ids.map((id) => id.slice(4, 13));
    expect([...times].sort()).toEqual(times);
  });
});

describe('deliveryIdFor and sha256Hex', () => {
  // Delivery ids are stored (records, attempt logs, receivers' dedupe tables): the values of earlier versions hold.
  it.each([
    ['evt_0mip3k2x1a9f8e7d6c5b4a39', 'sub_0mip3k2x1a9f8e7d6c5b4a39', 'dlv_JHgCkPsarDfbC8rO1xWgUFty'],
    ['ü-event', 'sub_1', 'dlv_TpWX5D6FhEp3PEKEGcTpj9ry'],
  ])('derives the id of (%s, %s) as it always has', (eventId, subscriptionId, expected) => {
    expect(deliveryIdFor(eventId, subscriptionId)).toBe(expected);
  });

  it('keeps the separator between the two ids: (ab, c) and (a, bc) differ', () => {
    expect(deliveryIdFor('ab', 'c')).not.toBe(deliveryIdFor('a', 'bc'));
  });

  it('hashes UTF-8 text to lowercase hex', () => {
    expect(sha256Hex('evt_0mip3k2x1a9f8e7d6c5b4a39sub_0mip3k2x1a9f8e7d6c5b4a39')).toBe('4f8e2e904fabd740775b9d8c431d68a86d39a2d527ba1af26991f2d282cfc3c6');
    expect(sha256Hex('ü-eventsub_1')).toBe('65958516cd647798264511a545f4bb593b6030e59766b2a87b37722a1cbcc9d3');
  });
});
