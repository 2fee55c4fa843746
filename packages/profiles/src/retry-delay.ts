import { HOUR } from './retry-ladder.js';

/** A retry waits its ladder step plus up to this share of it, so retries of one outage do not arrive together. */
export const RETRY_JITTER = 0.1;
/** An endpoint's Retry-After is honoured up to an hour… */
export const RETRY_AFTER_MAX_MS = HOUR;
/** …and up to this many times the ladder step it replaces. */
export const RETRY_AFTER_MAX_STEPS = 4;
/** A retry is due at least this long before its event's payload expires, so the attempt still finds it. */
export const PAYLOAD_EXPIRY_MARGIN_MS = 60_000;

export interface RetryDelayInput {
  /** The ladder, unscaled: the delay before each retry (a profile's retryDelaysMs). */
  ladderMs: readonly number[];
  /** Failed attempts so far, the one just made included (1 after the first attempt). */
  attemptsMade: number;
  /** RETRY_DELAY_SCALE. */
  scale: number;
  /** The endpoint's Retry-After on a 429 or 503, in milliseconds; null or absent when it sent none. */
  retryAfterMs?: number | null | undefined;
  /** Milliseconds from now until the event's payload expires: Retry-After never pushes a retry past it. */
  payloadLeftMs?: number | null | undefined;
  /** A number in [0, 1): injected by tests, Math.random otherwise. */
  random?: () => number;
}

export interface RetryDelay {
  /** Milliseconds until the next attempt. */
  delayMs: number;
  /** The endpoint's Retry-After as honoured, capped (0 when it sent none). */
  honouredRetryAfterMs: number;
}

/**
 * The one retry-delay rule (docs/delivery.md): the ladder's next step × RETRY_DELAY_SCALE, plus up to RETRY_JITTER of it;
 * an endpoint's Retry-After only pushes it later, to at most min(1 h, step × 4), never past the time the event's
 * payload is kept. Null when the ladder is spent: the delivery is dead.
 */
export function retryDelay(input: RetryDelayInput): RetryDelay | null {
  const { ladderMs, attemptsMade, scale } = input;
  const step = attemptsMade >= 1 ? ladderMs[attemptsMade - 1] : undefined;
  if (step === undefined) return null;
  const scaledStep = step * scale;
  const random = input.random ?? Math.random;
  const laddered = Math.round(scaledStep * (1 + RETRY_JITTER * Math.min(1, Math.max(0, random()))));
  // An endpoint's Retry-After is its own clock, not the ladder's: RETRY_DELAY_SCALE does not shrink it or its cap.
  const honouredRetryAfterMs = cappedRetryAfterMs(input.retryAfterMs, step, input.payloadLeftMs);
  return { delayMs: Math.max(laddered, honouredRetryAfterMs), honouredRetryAfterMs };
}

/**
 * An endpoint's Retry-After, capped: at most RETRY_AFTER_MAX_MS, at most RETRY_AFTER_MAX_STEPS × the (unscaled) ladder
 * step, and never past the payload's expiry less PAYLOAD_EXPIRY_MARGIN_MS. Hostile values (years ahead, 10^20 seconds,
 * NaN) end at the cap, so no stored time can pass the largest date.
 */
export function cappedRetryAfterMs(retryAfterMs: number | null | undefined, stepMs: number, payloadLeftMs?: number | null): number {
  if (retryAfterMs === null || retryAfterMs === undefined || !(retryAfterMs > 0)) return 0;
  let cap = Math.min(RETRY_AFTER_MAX_MS, stepMs * RETRY_AFTER_MAX_STEPS);
  if (payloadLeftMs !== null && payloadLeftMs !== undefined) cap = Math.min(cap, payloadLeftMs - PAYLOAD_EXPIRY_MARGIN_MS);
  return Math.round(Math.max(0, Math.min(retryAfterMs, cap)));
}
