import { describe, expect, it } from '@jest/globals';
import { parseRetryAfterMs } from './retry-after.js';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    [' 0 ', 0],
    ['1.5', 1500],
    [['3', '9'], 3000],
    ['Tue, 24 Nov 2026 10:00:05 GMT', 5000],
    ['Tue, 24 Nov 2026 09:59:00 GMT', 0],
    ['soon', null],
    ['-3', null],
    ['1e3', null],
    [undefined, null],
    [null, null],
    ['', null],
  ] as const)('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
