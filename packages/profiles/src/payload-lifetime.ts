import { RETRY_JITTER } from './retry-delay.js';

/**
 * A pause an endpoint may impose between two attempts beyond its ladder (the circuit breaker's longest, 10 min),
 * unscaled. A Retry-After needs no allowance: it replaces a ladder step, capped below the payload's expiry.
 */
export const PAUSE_ALLOWANCE_PER_ATTEMPT_MS = 10 * 60_000;
/** Slack after the last attempt is due: a busy worker picks it up late, and the attempt itself takes a while. */
export const LAST_ATTEMPT_GRACE_MS = 60 * 60_000;

export interface PayloadNeed {
  /** The ladder, unscaled (a profile's retryDelaysMs). */
  ladderMs: readonly number[];
  /** The subscription's delay_seconds in milliseconds, unscaled. */
  delayMs: number;
  /** RETRY_DELAY_SCALE. */
  scale: number;
}

/**
 * How long after its acceptance a delivery's last attempt can still be made (docs/delivery-retention.md):
 * (delay + Σ ladder × (1 + RETRY_JITTER) + retries × pause allowance) × RETRY_DELAY_SCALE, plus a grace for a
 * worker that picks the attempt up late.
 */
export function lastAttemptWithinMs({ ladderMs, delayMs, scale }: PayloadNeed): number {
  const ladder = ladderMs.reduce((sum, step) => sum + step, 0) * (1 + RETRY_JITTER);
  const pauses = ladderMs.length * PAUSE_ALLOWANCE_PER_ATTEMPT_MS;
  return Math.ceil((delayMs + ladder + pauses) * scale) + LAST_ATTEMPT_GRACE_MS;
}

/**
 * How long an event's payload is kept after acceptance: the retention, or longer when one of its deliveries can still
 * make an attempt after that (the standard ladder's 8th attempt is due 27 h 35 min after the first).
 */
export function payloadKeepMs(retentionMs: number, needs: readonly PayloadNeed[]): number {
  return Math.max(retentionMs, ...needs.map(lastAttemptWithinMs));
}
