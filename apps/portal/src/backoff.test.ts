import { describe, expect, it } from '@jest/globals';
import { backoffMs, LONGEST_RETRY_AFTER_MS } from './backoff.js';

describe('the portal’s wait before asking a refusing API again', () => {
  it('waits 400 ms doubling up to 5 s, up to 20% less at random, when no Retry-After is given', () => {
    expect(backoffMs(0, null, () => 0)).toBe(400);
    expect(backoffMs(1, null, () => 0)).toBe(800);
    expect(backoffMs(1, null, () => 1)).toBe(640);
    expect(backoffMs(10, null, () => 0)).toBe(5000);
  });

  it.each([0, 0.5, 1])('never asks sooner than Retry-After says (random %p)', (spread) => {
    expect(backoffMs(1, 3000, () => spread)).toBeGreaterThanOrEqual(3000);
    expect(backoffMs(1, 3000, () => spread)).toBeLessThanOrEqual(3600);
    // A Retry-After shorter than its own wait changes nothing.
    expect(backoffMs(5, 1000, () => spread)).toBe(backoffMs(5, null, () => spread));
  });

  it('asks again after at most a minute, whatever Retry-After says', () => {
    expect(backoffMs(1, 86_400_000, () => 0)).toBe(LONGEST_RETRY_AFTER_MS);
    expect(backoffMs(1, 86_400_000, () => 1)).toBe(LONGEST_RETRY_AFTER_MS);
  });
});
