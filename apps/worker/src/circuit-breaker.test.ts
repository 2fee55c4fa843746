import { describe, expect, it } from '@jest/globals';
import { circuitPauseMs } from './circuit-breaker.js';

describe('the circuit breaker', () => {
  const now = 10_000_000;
  it.each([
    ['no streak', null, 1, 0],
    ['9 failures', { consecutiveFailures: 9, failingSinceMs: now - 3_600_000 }, 1, 0],
    ['10 failures within a minute', { consecutiveFailures: 10, failingSinceMs: now - 30_000 }, 1, 0],
    ['10 failures over a minute', { consecutiveFailures: 10, failingSinceMs: now - 60_000 }, 1, 30_000],
    ['an hour of failures', { consecutiveFailures: 500, failingSinceMs: now - 3_600_000 }, 1, 600_000],
    ['20 minutes of failures', { consecutiveFailures: 50, failingSinceMs: now - 1_200_000 }, 1, 300_000],
    ['scaled for tests', { consecutiveFailures: 10, failingSinceMs: now - 60 }, 0.001, 30],
  ])('%s → pause %i ms', (_label, streak, scale, expected) => {
    expect(circuitPauseMs(streak, now, scale)).toBe(expected);
  });
});
