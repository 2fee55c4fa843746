import { describe, expect, it } from '@jest/globals';
import { UsageError } from './errors.js';
import { formatDuration, formatRelative, formatTimestamp, parseDurationMs, parseTime, parseTimeFlag } from './time.js';

const now = new Date('2025-06-01T12:00:00.000Z');

describe('parseTime', () => {
  it.each([
    ['30m', '2025-06-01T11:30:00.000Z'],
    ['2h', '2025-06-01T10:00:00.000Z'],
    ['1h30m', '2025-06-01T10:30:00.000Z'],
    ['7d', '2025-05-25T12:00:00.000Z'],
    ['1w', '2025-05-25T12:00:00.000Z'],
    ['45s', '2025-06-01T11:59:15.000Z'],
    ['1.5h', '2025-06-01T10:30:00.000Z'],
    ['2h ago', '2025-06-01T10:00:00.000Z'],
    [' 2H ', '2025-06-01T10:00:00.000Z'],
    ['now', '2025-06-01T12:00:00.000Z'],
    ['2025-05-31T22:00:00Z', '2025-05-31T22:00:00.000Z'],
    ['2025-05-31T22:00:00.250Z', '2025-05-31T22:00:00.250Z'],
    ['2025-05-31T22:00:00+02:00', '2025-05-31T20:00:00.000Z'],
    ['2025-05-31T22:00', '2025-05-31T22:00:00.000Z'],
    ['2025-05-31 22:00:00', '2025-05-31T22:00:00.000Z'],
    ['2025-05-31', '2025-05-31T00:00:00.000Z'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseTime(input, now).toISOString()).toBe(expected);
  });

  it('treats an ISO time without a zone as UTC, whatever the local zone', () => {
    expect(parseTime('2025-01-01T00:00:00', now).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it.each(['', 'yesterday', '30', 'm30', '2 hours', 'March 7', '2025-13-45T99:00:00Z', '1h-30m'])(
    'refuses %j with a usage error that shows both forms',
    (input) => {
      expect(() => parseTime(input, now)).toThrow(UsageError);
      expect(() => parseTime(input, now)).toThrow(/30m, 2h, 7d.*ISO-8601/);
    },
  );

  it('names the flag in the error', () => {
    expect(() => parseTimeFlag('since', 'soon', now)).toThrow(/^--since: "soon" is not a time/);
  });
});

describe('parseDurationMs', () => {
  it('adds the parts of a compound duration', () => {
    expect(parseDurationMs('1d2h3m4s5ms')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_000 + 5);
  });
  it('says undefined for what is not a duration', () => {
    expect(parseDurationMs('2025-01-01')).toBeUndefined();
  });
});

describe('formatting times for tables', () => {
  it.each([
    [0, '0s'],
    [400, '0s'],
    [45_000, '45s'],
    [5 * 60_000, '5m'],
    [2 * 3_600_000 + 5 * 60_000 + 7_000, '2h 5m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
    [86_400_000 + 30_000, '1d'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('says how far a time is from now, either way', () => {
    expect(formatRelative('2025-06-01T12:05:00Z', now)).toBe('in 5m');
    expect(formatRelative('2025-06-01T09:58:00Z', now)).toBe('2h 2m ago');
    expect(formatRelative('2025-06-01T12:00:00.300Z', now)).toBe('now');
    expect(formatRelative(null, now)).toBe('-');
  });

  it('shows a timestamp to the second in UTC', () => {
    expect(formatTimestamp('2025-06-01T12:00:03.456Z')).toBe('2025-06-01 12:00:03Z');
    expect(formatTimestamp(undefined)).toBe('-');
  });
});
