import { describe, expect, it } from '@jest/globals';
import { LAST_ATTEMPT_GRACE_MS, lastAttemptWithinMs, PAUSE_ALLOWANCE_PER_ATTEMPT_MS, payloadKeepMs } from './payload-lifetime.js';
import { RETRY_JITTER } from './retry-delay.js';
import { HOUR, MINUTE, SECOND } from './retry-ladder.js';
import { profiles } from './registry.js';
import { standardProfile } from './standard/index.js';

const standardLadder = standardProfile.retryDelaysMs;
/** 27 h 35 min 5 s: when the standard ladder's 8th attempt is due after the first. */
const STANDARD_LADDER_SPAN = 27 * HOUR + 35 * MINUTE + 5 * SECOND;

describe('how long a payload is kept', () => {
  it('the standard ladder spans 27 h 35 min 5 s', () => {
    expect(standardLadder.reduce((sum, step) => sum + step, 0)).toBe(STANDARD_LADDER_SPAN);
  });

  it.each([
    // ladder, delay, scale, expected: (delay + ladder × 1.1 + retries × 10 min) × scale + 1 h
    [standardLadder, 0, 1, STANDARD_LADDER_SPAN * (1 + RETRY_JITTER) + 7 * PAUSE_ALLOWANCE_PER_ATTEMPT_MS + LAST_ATTEMPT_GRACE_MS],
    [standardLadder, 86_400_000, 1, 86_400_000 + STANDARD_LADDER_SPAN * (1 + RETRY_JITTER) + 7 * PAUSE_ALLOWANCE_PER_ATTEMPT_MS + LAST_ATTEMPT_GRACE_MS],
    [standardLadder, 0, 0.001, Math.ceil((STANDARD_LADDER_SPAN * (1 + RETRY_JITTER) + 7 * PAUSE_ALLOWANCE_PER_ATTEMPT_MS) * 0.001) + LAST_ATTEMPT_GRACE_MS],
    [[], 0, 1, LAST_ATTEMPT_GRACE_MS],
    [[MINUTE], 30_000, 1, 30_000 + 66_000 + PAUSE_ALLOWANCE_PER_ATTEMPT_MS + LAST_ATTEMPT_GRACE_MS],
  ])('%#: ladder %j, delay %i ms, scale %f → the last attempt within %i ms', (ladderMs, delayMs, scale, expected) => {
    // Rounded up to the millisecond.
    expect(Math.abs(lastAttemptWithinMs({ ladderMs, delayMs, scale }) - expected)).toBeLessThanOrEqual(1);
  });

  it.each([
    // retention, needs, kept
    [24 * HOUR, [], 24 * HOUR],
    [24 * HOUR, [{ ladderMs: [MINUTE], delayMs: 0, scale: 1 }], 24 * HOUR],
    [72 * HOUR, [{ ladderMs: standardLadder, delayMs: 0, scale: 1 }], 72 * HOUR],
    [0, [{ ladderMs: [MINUTE], delayMs: 0, scale: 1 }], 66_000 + PAUSE_ALLOWANCE_PER_ATTEMPT_MS + LAST_ATTEMPT_GRACE_MS],
  ])('%#: retention %i ms → kept %i ms', (retentionMs, needs, expected) => {
    expect(Math.abs(payloadKeepMs(retentionMs, needs) - expected)).toBeLessThanOrEqual(1);
  });

  it('outlasts the default 24 h retention for the standard ladder: the 8th attempt still finds its payload', () => {
    const kept = payloadKeepMs(24 * HOUR, [{ ladderMs: standardLadder, delayMs: 0, scale: 1 }]);
    expect(kept).toBeGreaterThan(STANDARD_LADDER_SPAN * (1 + RETRY_JITTER));
    expect(kept).toBeGreaterThan(24 * HOUR);
  });

  it.each(profiles.map((profile) => [profile.name, profile.retryDelaysMs] as const))('%s: every jittered ladder fits in what is kept', (_name, ladderMs) => {
    const lastDue = ladderMs.reduce((sum, step) => sum + step * (1 + RETRY_JITTER), 0);
    expect(payloadKeepMs(0, [{ ladderMs, delayMs: 0, scale: 1 }])).toBeGreaterThan(lastDue);
  });
});
