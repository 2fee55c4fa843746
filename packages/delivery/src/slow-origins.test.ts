import { describe, expect, it } from '@jest/globals';
import { SlowOriginShare } from './slow-origins.js';

const SLOW_AFTER_MS = 1_000;

describe('slow and unknown origins share half the slots', () => {
  it('admits unknown and slow origins up to the share, whatever their number, and refuses the rest', () => {
    const share = new SlowOriginShare(4, SLOW_AFTER_MS);
    const admitted = ['a', 'a', 'b', 'c', 'c', 'c'].map((origin) => share.admit(`http://${origin}`, 0));
    expect(admitted.map((ticket) => ticket !== null)).toEqual([true, true, true, true, false, false]);
    expect(share.inUse).toBe(4);
    expect(share.isFull('http://c')).toBe(true);
    // A slow origin gets nothing beside a full share.
    share.finish(admitted[2]!, SLOW_AFTER_MS + 1);
    share.admit('http://d', 0);
    expect(share.paceOf('http://b')).toBe('slow');
    expect(share.admit('http://b', SLOW_AFTER_MS + 1)).toBeNull();
  });

  it('lets a new origin send one probe beside a full share, and no second one until it has answered', () => {
    const share = new SlowOriginShare(1, SLOW_AFTER_MS);
    share.admit('http://hang', 0);
    expect(share.isFull('http://new')).toBe(false);
    const probe = share.admit('http://new', 0);
    expect(probe).toMatchObject({ shared: false });
    expect(share.isFull('http://new')).toBe(true);
    expect(share.admit('http://new', 0)).toBeNull();
    share.finish(probe!, 20);
    expect(share.admit('http://new', 20)).toMatchObject({ shared: false });
    expect(share.inUse).toBe(1);
  });

  it.each([
    // duration of the first request, its origin's pace after it
    [10, 'fast'],
    [SLOW_AFTER_MS, 'fast'],
    [SLOW_AFTER_MS + 1, 'slow'],
  ] as const)('a request that took %i ms makes its origin %s', (durationMs, pace) => {
    const share = new SlowOriginShare(4, SLOW_AFTER_MS);
    const ticket = share.admit('http://a', 0);
    share.finish(ticket!, durationMs);
    expect(share.paceOf('http://a')).toBe(pace);
    expect(share.inUse).toBe(0);
  });

  it('lets fast origins past a full share: they never wait behind the slow ones', () => {
    const share = new SlowOriginShare(2, SLOW_AFTER_MS);
    share.finish(share.admit('http://fast', 0)!, 5);
    share.admit('http://hang-1', 0);
    share.admit('http://hang-2', 0);
    expect(share.admit('http://hang-2', 0)).toBeNull();
    const fast = Array.from({ length: 50 }, () => share.admit('http://fast', 10));
    expect(fast.every((ticket) => ticket !== null && !ticket.shared)).toBe(true);
    expect(share.inUse).toBe(2);
  });

  it('counts a fast origin that starts hanging against the share once a request of it is overdue', () => {
    const share = new SlowOriginShare(3, SLOW_AFTER_MS);
    share.finish(share.admit('http://turns', 0)!, 5);
    const held = [share.admit('http://turns', 10), share.admit('http://turns', 10)];
    share.sweep(SLOW_AFTER_MS);
    expect(share.paceOf('http://turns')).toBe('fast');
    share.sweep(SLOW_AFTER_MS + 11);
    expect(share.paceOf('http://turns')).toBe('slow');
    expect(share.inUse).toBe(2);
    expect(share.admit('http://other', SLOW_AFTER_MS + 11)).not.toBeNull();
    expect(share.admit('http://other', SLOW_AFTER_MS + 11)).toBeNull();
    expect(share.admit('http://turns', SLOW_AFTER_MS + 11)).toBeNull();
    for (const ticket of held) share.finish(ticket!, 4_000);
    expect(share.inUse).toBe(1);
  });

  it('frees a cancelled request without judging its origin', () => {
    const share = new SlowOriginShare(1, SLOW_AFTER_MS);
    share.cancel(share.admit('http://a', 0)!);
    expect(share.inUse).toBe(0);
    expect(share.paceOf('http://a')).toBe('unknown');
  });
});
