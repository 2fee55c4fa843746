import { describe, expect, it } from '@jest/globals';
import { parseDelaySeconds, parseRateLimit } from './subscriptions.js';

describe('subscription flags', () => {
  it.each([
    ['10/s', { per_second: 10 }],
    ['600/m', { per_minute: 600 }],
    ['5 / min', { per_minute: 5 }],
    ['2/sec', { per_second: 2 }],
  ])('reads --rate-limit %s', (text, rateLimit) => {
    expect(parseRateLimit(text)).toEqual(rateLimit);
  });

  it.each(['10', '0/s', '10/h', 'fast'])('refuses --rate-limit %s', (text) => {
    expect(() => parseRateLimit(text)).toThrow(/--rate-limit must look like 10\/s or 600\/m/);
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
  ])('reads --delay %s as %d seconds', (text, seconds) => {
    expect(parseDelaySeconds(text)).toBe(seconds);
  });

  it.each(['1.5s', '500ms', 'soon'])('refuses --delay %s', (text) => {
    expect(() => parseDelaySeconds(text)).toThrow(/--delay must be whole seconds/);
  });
});
