import { describe, expect, it } from '@jest/globals';
import { HOUR, MINUTE, paymoProfile, RETRY_AFTER_MAX_MS, SECOND, standardProfile } from '@hookfleet/profiles';
import type { DestinationOutcome } from './destination.js';
import { judge, statusOf, type JudgeInput, type SendOutcome } from './judge.js';

const at = new Date('2026-12-04T10:00:00Z');
const now = at.getTime();
const noJitter = () => 0;

function answered(code: number, pauseAskedMs: number | null = null): DestinationOutcome {
  return { kind: 'answered', code, pauseAskedMs, responseBody: '', error: null, durationMs: 0 };
}
const timeout: DestinationOutcome = { kind: 'timeout', code: null, pauseAskedMs: null, responseBody: '', error: 'timed out', durationMs: 30_000 };
const refused: DestinationOutcome = { kind: 'error', code: null, pauseAskedMs: null, responseBody: '', error: 'ECONNREFUSED', durationMs: 0 };

function input(outcome: SendOutcome, attempt: number, extra: Partial<JudgeInput> = {}): JudgeInput {
  return {
    profile: standardProfile,
    subscription: { delay_seconds: 0 },
    attempt,
    outcome,
    at,
    eventReceivedAt: now,
    retryDelayScale: 1,
    retentionMs: 72 * HOUR,
    random: noJitter,
    ...extra,
  };
}

describe('judge', () => {
  it.each([
    // outcome, attempt, expected verdict, expected metric label
    ['200 on the first attempt', answered(200), 1, { kind: 'delivered' }, 'success'],
    ['204 on the last attempt', answered(204), 8, { kind: 'delivered' }, 'success'],
    ["500 on the first attempt: the ladder's first step", answered(500), 1, { kind: 'retry', at: now + 5 * SECOND, delayMs: 5 * SECOND }, 'failure'],
    ['500 on the second attempt: the second step', answered(500), 2, { kind: 'retry', at: now + 5 * MINUTE, delayMs: 5 * MINUTE }, 'failure'],
    ['a timeout is retried', timeout, 1, { kind: 'retry', at: now + 30_000 + 5 * SECOND, delayMs: 5 * SECOND }, 'timeout'],
    ['a refused connection is retried', refused, 3, { kind: 'retry', at: now + 30 * MINUTE, delayMs: 30 * MINUTE }, 'error'],
    ['500 on the eighth (last) attempt: dead', answered(500), 8, { kind: 'dead' }, 'failure'],
    ['a 301 is a failure (no redirects)', answered(301), 1, { kind: 'retry', at: now + 5 * SECOND, delayMs: 5 * SECOND }, 'failure'],
    ['410 Gone: the subscription ends (standard disables it)', answered(410), 1, { kind: 'gone' }, 'failure'],
    ['a request that cannot be built: dead at once', { kind: 'unbuildable', error: 'bad secret' } as const, 1, { kind: 'dead' }, 'error'],
  ])('%s', (_name, outcome, attempt, verdict, label) => {
    const judgement = judge(input(outcome, attempt));
    expect(judgement.verdict).toEqual(verdict);
    expect(judgement.label).toBe(label);
  });

  it('paymo: 410 removes the subscription (gone), 500 climbs its own ladder', () => {
    expect(judge(input(answered(410), 1, { profile: paymoProfile })).verdict).toEqual({ kind: 'gone' });
    expect(judge(input(answered(500), 1, { profile: paymoProfile })).verdict).toEqual({ kind: 'retry', at: now + MINUTE, delayMs: MINUTE });
    expect(judge(input(answered(500), 6, { profile: paymoProfile })).verdict).toEqual({ kind: 'dead' });
  });

  it("an operator's final attempt that fails ends dead instead of climbing the ladder", () => {
    expect(judge(input(answered(500), 3, { final: true })).verdict).toEqual({ kind: 'dead' });
    expect(judge(input(answered(200), 3, { final: true })).verdict).toEqual({ kind: 'delivered' });
  });

  it.each([
    // Retry-After asked (ms), attempt, expected delay, expected pause: only later than the ladder, capped at
    // min(1 h, step × 4, a minute before the payload expires); the endpoint's pause obeys the same cap.
    [2_000, 2, 5 * MINUTE, 2_000],
    [10 * MINUTE, 2, 10 * MINUTE, 10 * MINUTE],
    [1e23, 1, 20 * SECOND, 20 * SECOND],
    [1e23, 3, RETRY_AFTER_MAX_MS, RETRY_AFTER_MAX_MS],
    [Number.NaN, 1, 5 * SECOND, 0],
  ])('a 429 with Retry-After %d ms after attempt %i: retry in %i ms, endpoint paused %i ms', (asked, attempt, delayMs, pauseMs) => {
    const judgement = judge(input(answered(429, asked), attempt));
    expect(judgement.verdict).toEqual({ kind: 'retry', at: now + delayMs, delayMs });
    expect(judgement.pauseMs).toBe(pauseMs);
  });

  it("keeps an endpoint's Retry-After on its own clock: RETRY_DELAY_SCALE shrinks the ladder, not the pause", () => {
    expect(judge(input(answered(429, 2_000), 1, { retryDelayScale: 0.001 }))).toMatchObject({ verdict: { kind: 'retry', delayMs: 2_000 }, pauseMs: 2_000 });
    expect(judge(input(answered(429, 1e23), 1, { retryDelayScale: 0.001 }))).toMatchObject({
      verdict: { kind: 'retry', delayMs: 20 * SECOND },
      pauseMs: 20 * SECOND,
    });
  });

  it('a hostile Retry-After on the last attempt still pauses the endpoint only up to the cap', () => {
    const judgement = judge(input(answered(503, 1e23), 8));
    expect(judgement.verdict).toEqual({ kind: 'dead' });
    expect(judgement.pauseMs).toBe(RETRY_AFTER_MAX_MS);
  });

  it("never schedules a retry past the payload's expiry: a Retry-After is cut a minute before it", () => {
    // The payload is kept for its ladder's whole length after acceptance; accepted long ago, 40 minutes are left.
    const keptMs = 72 * HOUR;
    const judgement = judge(
      input(answered(429, 24 * HOUR), 4, {
        retentionMs: keptMs,
        eventReceivedAt: now - keptMs + 40 * MINUTE,
        profile: { ...standardProfile, retryDelaysMs: [SECOND, SECOND, SECOND, 30 * MINUTE, HOUR] },
      }),
    );
    expect(judgement.verdict).toEqual({ kind: 'retry', at: now + 39 * MINUTE, delayMs: 39 * MINUTE });
  });

  it('the next attempt is due its delay after this one ended, not after it started', () => {
    expect(judge(input(timeout, 1)).verdict).toEqual({ kind: 'retry', at: now + 30_000 + 5 * SECOND, delayMs: 5 * SECOND });
  });

  it('jitter: the injected random adds up to 10 % of the step', () => {
    expect(judge(input(answered(500), 1, { random: () => 0.5 })).verdict).toEqual({ kind: 'retry', at: now + 5_250, delayMs: 5_250 });
    expect(judge(input(answered(500), 1, { random: () => 0.999_999 })).verdict).toEqual({ kind: 'retry', at: now + 5_500, delayMs: 5_500 });
  });

  it('RETRY_DELAY_SCALE shrinks the ladder', () => {
    expect(judge(input(answered(500), 2, { retryDelayScale: 0.001 })).verdict).toEqual({ kind: 'retry', at: now + 300, delayMs: 300 });
  });

  it.each([
    [{ kind: 'delivered' } as const, 'delivered'],
    [{ kind: 'retry', at: 1, delayMs: 1 } as const, 'failed'],
    [{ kind: 'dead' } as const, 'dead'],
    [{ kind: 'gone' } as const, 'dead'],
  ])('%j is stored as %s', (verdict, status) => {
    expect(statusOf(verdict)).toBe(status);
  });

  it("the attempt log's error text: the destination's, or the status code", () => {
    expect(judge(input(answered(500), 1)).error).toBe('HTTP 500');
    expect(judge(input(refused, 1)).error).toBe('ECONNREFUSED');
    expect(judge(input(answered(200), 1)).error).toBeNull();
  });
});
