import { describe, expect, it } from '@jest/globals';
import { asksForPause, parseRetryAfterMs } from './retry-after.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    [['3', '9'], 3000],
    ['Tue, 24 Nov 2026 10:00:05 GMT', 5000],
    ['Tue, 24 Nov 2026 09:59:00 GMT', 0],
    ['soon', null],
    [undefined, null],
    ['', null],
  ] as const)('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header as string | string[] | undefined, now)).toBe(expected);
  });

  it.each([
    [429, true],
    [503, true],
    [500, false],
    [null, false],
  ])('status %j pauses the endpoint: %s', (status, expected) => {
    expect(asksForPause(status)).toBe(expected);
  });
});
