import { describe, expect, it } from '@jest/globals';
import { newId } from './ids.js';

describe('newId', () => {
  it('gives distinct, time-ordered ids with 16 hex digits of randomness, also across refills of the random pool', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('evt'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^evt_[0-9a-z]{9}[0-9a-f]{16}$/);
    const times = ids.map((id) => id.slice(4, 13));
    expect([...times].sort()).toEqual(times);
  });
});
