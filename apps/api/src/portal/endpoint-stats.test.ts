import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord } from '@hookfleet/core';
import { attemptOutcome, endpointStats } from './endpoint-stats.js';

const NOW = Date.parse('2026-05-01T12:30:00.000Z');
const attempt = (minutesAgo: number, ok: boolean, statusCode: number | null): AttemptRecord => ({
  delivery_id: 'dlv_x',
  event_id: 'evt_x',
  attempt: 1,
  status_code: statusCode,
  ok,
  error: ok ? null : statusCode === null ? 'timeout' : `HTTP ${statusCode}`,
  duration_ms: 12,
  at: new Date(NOW - minutesAgo * 60_000).toISOString(),
});

describe('endpoint stats from the attempt log', () => {
  it.each([
    [{ ok: true, status_code: 200 }, 'success'],
    [{ ok: false, status_code: 500 }, 'failure'],
    [{ ok: false, status_code: 202 }, 'failure'],
    [{ ok: false, status_code: null }, 'error'],
  ] as const)('judges %p as %s', (record, expected) => {
    expect(attemptOutcome(record)).toBe(expected);
  });

  it('counts the last 24 hours only, by hour, newest attempt first', () => {
    const log = [attempt(1, false, 500), attempt(20, true, 200), attempt(31, true, 204), attempt(100, false, null), attempt(25 * 60, true, 200)];
    const stats = endpointStats(log, 200, NOW);
    expect(stats).toMatchObject({ attempts: 4, succeeded: 2, success_ratio: 0.5, last_status_code: 500, last_error: 'HTTP 500', log_truncated: false });
    expect(stats.hourly).toHaveLength(24);
    expect(stats.hourly[23]).toEqual({ hour: '2026-05-01T12:00:00.000Z', success: 1, failure: 1, error: 0 });
    expect(stats.hourly[22]).toEqual({ hour: '2026-05-01T11:00:00.000Z', success: 1, failure: 0, error: 0 });
    expect(stats.hourly[21]).toEqual({ hour: '2026-05-01T10:00:00.000Z', success: 0, failure: 0, error: 1 });
  });

  it('has no ratio without attempts', () => {
    expect(endpointStats([], 200, NOW)).toMatchObject({ attempts: 0, success_ratio: null, last_status_code: null, last_attempt_at: null });
  });

  it('says when a full log covers only part of the window', () => {
    const log = Array.from({ length: 3 }, (_, index) => attempt(index, true, 200));
    expect(endpointStats(log, 3, NOW).log_truncated).toBe(true);
    expect(endpointStats(log, 4, NOW).log_truncated).toBe(false);
  });
});
