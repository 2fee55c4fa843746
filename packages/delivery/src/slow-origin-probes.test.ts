import { describe, expect, it } from '@jest/globals';
import { SlowOriginShare } from './slow-origins.js';

const SLOW_AFTER_MS = 1_000;

describe('probes of new origins beside a full share', () => {
  it('admits at most a quarter of the share in probes at once, however many new origins ask', () => {
    const share = new SlowOriginShare(8, SLOW_AFTER_MS);
    for (let n = 0; n < 8; n += 1) expect(share.admit(`http://hang-${n}`, 0)).toMatchObject({ shared: true, probe: false });
    const probes = Array.from({ length: 10 }, (_, n) => share.admit(`http://new-${n}`, 0));
    expect(probes.map((ticket) => ticket !== null)).toEqual([true, true, false, false, false, false, false, false, false, false]);
    expect(share.isFull('http://new-9')).toBe(true);
    // A probe that ends makes room for the next new origin's.
    share.finish(probes[0]!, SLOW_AFTER_MS + 1);
    expect(share.isFull('http://new-9')).toBe(false);
    expect(share.admit('http://new-9', SLOW_AFTER_MS + 1)).toMatchObject({ shared: false, probe: true });
    expect(share.admit('http://new-8', SLOW_AFTER_MS + 1)).toBeNull();
  });

  it('frees a cancelled probe', () => {
    const share = new SlowOriginShare(1, SLOW_AFTER_MS, 1);
    share.admit('http://hang', 0);
    const probe = share.admit('http://new', 0);
    expect(share.admit('http://other', 0)).toBeNull();
    share.cancel(probe!);
    expect(share.admit('http://other', 0)).toMatchObject({ probe: true });
  });
});
