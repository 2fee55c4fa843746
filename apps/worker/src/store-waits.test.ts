import { describe, expect, it } from '@jest/globals';
import { storeRetryDelayMs, STORE_RETRY_FIRST_MS, STORE_RETRY_MAX_MS } from './store-waits.js';

describe('the wait of a job after a store error', () => {
  it.each([
    [0, 1, STORE_RETRY_FIRST_MS],
    [500, 1, STORE_RETRY_FIRST_MS],
    [4_000, 1, 4_000],
    [29_000, 1, 29_000],
    [3_600_000, 1, STORE_RETRY_MAX_MS],
    [3_600_000, 0.01, 300],
    [0, 0.00001, 100],
  ])('after an outage of %i ms at scale %s: %i ms', (outageMs, scale, expected) => {
    expect(storeRetryDelayMs(outageMs, scale)).toBe(expected);
  });
});
