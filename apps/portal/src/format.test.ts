import { describe, expect, it } from '@jest/globals';
import { absoluteTime, disabledReasonWords, durationMs, parseEventList, percent, relativeTime, statusCodeClass, timeZoneName, truncate } from './format.js';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();

describe('the portal’s words for API values', () => {
  it.each([
    [null, '—'],
    [1, '100%'],
    [0, '0%'],
    [0.5, '50%'],
    [0.9996, '99.9%'],
    [2 / 3, '66.6%'],
  ])('shows a success ratio of %p as %p', (ratio, expected) => {
    expect(percent(ratio)).toBe(expected);
  });

  it.each([
    [at(2), 'just now'],
    [at(40), 'in 40 s'],
    [at(-180), '3 min ago'],
    [at(-7200), '2 h ago'],
    [at(3 * 86_400), 'in 3 d'],
    [null, '—'],
  ])('says %p relative to now as %p', (iso, expected) => {
    expect(relativeTime(iso, NOW)).toBe(expected);
  });

  it('truncates long response bodies and says so', () => {
    expect(truncate('short', 10)).toEqual({ text: 'short', truncated: false });
    expect(truncate('x'.repeat(12), 10)).toEqual({ text: `${'x'.repeat(10)}…`, truncated: true });
  });

  it('reads event types separated by commas, spaces and new lines, each once', () => {
    expect(parseEventList(' invoice.paid, invoice.*\n user.created invoice.paid ,, ')).toEqual(['invoice.paid', 'invoice.*', 'user.created']);
    expect(parseEventList('')).toEqual([]);
  });

  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [302, 'warn'],
    [429, 'warn'],
    [500, 'bad'],
    [null, 'none'],
  ] as const)('colours status %p as %p', (code, expected) => {
    expect(statusCodeClass(code)).toBe(expected);
  });

  it('explains why an endpoint is disabled', () => {
    expect(disabledReasonWords('gone')).toMatch(/410 Gone/);
    expect(disabledReasonWords('failing')).toMatch(/kept failing/);
    expect(disabledReasonWords('manual')).toBe('Disabled');
  });

  it('shows durations in ms below a second', () => {
    expect(durationMs(12.4)).toBe('12 ms');
    expect(durationMs(1520)).toBe('1.52 s');
  });

  it.each([
    ['Asia/Tokyo', /\b9:00:00\b.*GMT\+9/],
    ['UTC', /\b12:00:00\b.*UTC/],
    ['America/New_York', /\b8:00:00\b.*EDT/],
  ])('names the zone of a time it shows in %p', (zone, expected) => {
    // A receiver compares these with its own logs: a clock time without its zone is hours off for most readers.
    expect(absoluteTime(at(0), zone)).toMatch(expected);
    expect(absoluteTime(at(0), zone)).toContain('2026');
    expect(absoluteTime(null, zone)).toBe('');
  });

  it('names a zone for labels that show clock times alone', () => {
    expect(timeZoneName(new Date(NOW), 'Asia/Tokyo')).toBe('GMT+9');
    expect(timeZoneName(new Date(NOW), 'UTC')).toBe('UTC');
  });
});
