import { describe, expect, it } from '@jest/globals';
import { asksForPause } from './retry-after.js';

describe('Retry-After', () => {
  it.each([
    [429, true],
    [503, true],
    [500, false],
    [null, false],
  ])('status %j pauses the endpoint: %s', (status, expected) => {
    expect(asksForPause(status)).toBe(expected);
  });
});
