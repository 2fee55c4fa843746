import { describe, expect, it } from '@jest/globals';
import { isRetryable, retryDelayMs, type RetryDecisionInput } from './retry-policy.js';

const retry = { limit: 3, baseDelayMs: 500, maxDelayMs: 30_000 };
const noJitter = () => 0;

function decide(input: Partial<RetryDecisionInput>): number {
  return retryDelayMs({ failedTries: 1, idempotent: true, retry, random: noJitter, ...input });
}

describe('retry policy', () => {
  it.each([
    [503, true, true],
    [500, true, true],
    [502, true, true],
    [429, true, true],
    [408, true, true],
    [400, true, false],
    [401, true, false],
    [404, true, false],
    [413, true, false],
    [429, false, true],
    [503, false, true],
    [500, false, false],
    [502, false, false],
  ])('status %i with idempotent=%s is retryable: %s', (statusCode, idempotent, expected) => {
    expect(isRetryable({ statusCode, idempotent })).toBe(expected);
  });

  it.each([
    ['ECONNREFUSED', true, true],
    ['ECONNRESET', true, true],
    ['ETIMEDOUT', true, true],
    ['ECONNREFUSED', false, true],
    ['ENOTFOUND', false, true],
    ['ECONNRESET', false, false],
    ['ETIMEDOUT', false, false],
    ['ERR_BODY_PARSE_FAILURE', true, false],
  ])('connection error %s with idempotent=%s is retryable: %s', (errorCode, idempotent, expected) => {
    expect(isRetryable({ errorCode, idempotent })).toBe(expected);
  });

  it.each([
    ['a keyed POST told its first try still runs', { idempotencyKeySent: true, retryAfterMs: 1000 }, true],
    ['a conflict of a keyed POST itself (no Retry-After)', { idempotencyKeySent: true }, false],
    ['a 409 to a request without a key', { retryAfterMs: 1000 }, false],
  ])('409 for %s is retryable: %s', (_case, input, expected) => {
    expect(isRetryable({ statusCode: 409, idempotent: true, ...input })).toBe(expected);
    expect(decide({ statusCode: 409, ...input })).toBe(expected ? 1000 : 0);
  });

  it('doubles the backoff from baseDelayMs and stops after the limit', () => {
    expect([1, 2, 3, 4].map((failedTries) => decide({ failedTries, statusCode: 503 }))).toEqual([500, 1000, 2000, 0]);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(decide({ failedTries: 3, statusCode: 503, retry: { limit: 10, baseDelayMs: 500, maxDelayMs: 1200 } })).toBe(1200);
  });

  it('jitters down by at most 20%', () => {
    expect(decide({ statusCode: 503, random: () => 0.999 })).toBeGreaterThanOrEqual(400);
    expect(decide({ statusCode: 503, random: () => 0.999 })).toBeLessThan(500);
  });

  it('waits exactly the Retry-After when it is within maxDelayMs', () => {
    expect(decide({ statusCode: 429, retryAfterMs: 2000 })).toBe(2000);
  });

  it('does not retry when Retry-After is longer than maxDelayMs', () => {
    expect(decide({ statusCode: 429, retryAfterMs: 60_000 })).toBe(0);
  });

  it('never retries a 400, whatever its Retry-After', () => {
    expect(decide({ statusCode: 400, retryAfterMs: 1000 })).toBe(0);
  });
});
