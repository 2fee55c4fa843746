import { describe, expect, it } from '@jest/globals';
import { cappedRetryAfterMs, PAYLOAD_EXPIRY_MARGIN_MS, RETRY_AFTER_MAX_MS, retryDelay } from './retry-delay.js';
import { HOUR, MINUTE, SECOND } from './retry-ladder.js';
import { standardProfile } from './standard/index.js';

const ladderMs = standardProfile.retryDelaysMs;
const noJitter = () => 0;
const DAY = 24 * HOUR;

describe('the one retry-delay rule', () => {
  it.each([
    // attemptsMade, scale, random, expected delay
    [1, 1, noJitter, 5 * SECOND],
    [2, 1, noJitter, 5 * MINUTE],
    [7, 1, noJitter, 10 * HOUR],
    [2, 0.001, noJitter, 300],
    [1, 1, () => 0.5, 5_250],
    [1, 1, () => 0.999_999, 5_500],
    // A broken random source cannot push the jitter past its 10 %.
    [1, 1, () => 7, 5_500],
    [1, 1, () => -1, 5_000],
  ])('after %i failure(s), scale %f: %#', (attemptsMade, scale, random, expected) => {
    expect(retryDelay({ ladderMs, attemptsMade, scale, random })?.delayMs).toBe(expected);
  });

  it.each([[0], [8], [-1]])('after %i failures the ladder is spent (or never started): null', (attemptsMade) => {
    expect(retryDelay({ ladderMs, attemptsMade, scale: 1, random: noJitter })).toBeNull();
  });

  const now = Date.parse('2026-12-04T10:00:00Z');
  const retryAfterOf = (header: string) => (/^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now);
  it.each([
    // Retry-After as sent, attemptsMade, payload left, expected delay: a Retry-After only pushes a retry later, and by
    // at most min(1 h, step × 4), never within a minute of the payload's expiry.
    ['2', 2, DAY, 5 * MINUTE],
    ['600', 2, DAY, 10 * MINUTE],
    ['99999999', 1, DAY, 20 * SECOND],
    ['99999999', 2, DAY, 20 * MINUTE],
    ['99999999', 3, DAY, RETRY_AFTER_MAX_MS],
    ['99999999999999999999', 3, DAY, RETRY_AFTER_MAX_MS],
    ['Fri, 31 Dec 9999 23:59:59 GMT', 3, DAY, RETRY_AFTER_MAX_MS],
    ['86400', 3, DAY, RETRY_AFTER_MAX_MS],
    // 86,400 on a 429 when the payload has 40 min left: the retry comes a minute before it expires, not after.
    ['86400', 3, 40 * MINUTE, 39 * MINUTE],
    // The ladder step itself is never shortened by the payload cap (the payload's lifetime covers the ladder).
    ['86400', 4, 30 * MINUTE, 2 * HOUR],
  ])('Retry-After %j after %i failures with %i ms of payload left waits %i ms', (header, attemptsMade, payloadLeftMs, expected) => {
    const delay = retryDelay({ ladderMs, attemptsMade, scale: 1, retryAfterMs: retryAfterOf(header), payloadLeftMs, random: noJitter });
    expect(delay?.delayMs).toBe(expected);
    expect(Number.isFinite(now + (delay?.delayMs ?? 0))).toBe(true);
    expect(new Date(now + (delay?.delayMs ?? 0)).toISOString()).toMatch(/^2026-12-0/);
  });

  it('keeps an endpoint\'s Retry-After on its own clock: RETRY_DELAY_SCALE shrinks the ladder, not the Retry-After or its cap', () => {
    expect(retryDelay({ ladderMs, attemptsMade: 1, scale: 0.001, retryAfterMs: 2_000, random: noJitter })?.delayMs).toBe(2_000);
    expect(retryDelay({ ladderMs, attemptsMade: 1, scale: 0.001, retryAfterMs: 1e23, random: noJitter })?.delayMs).toBe(20 * SECOND);
  });

  it.each([
    [null, 300_000, null, 0],
    [undefined, 300_000, null, 0],
    [Number.NaN, 300_000, null, 0],
    [-5, 300_000, null, 0],
    [1e23, 300_000, null, 1_200_000],
    [1e23, 20, null, 80],
    [1e23, 10 * HOUR, null, HOUR],
    [1e23, 10 * HOUR, PAYLOAD_EXPIRY_MARGIN_MS / 2, 0],
  ])('caps a Retry-After of %j ms (step %i ms, payload left %j ms) at %i ms', (retryAfterMs, stepMs, payloadLeftMs, expected) => {
    expect(cappedRetryAfterMs(retryAfterMs, stepMs, payloadLeftMs)).toBe(expected);
  });
});
