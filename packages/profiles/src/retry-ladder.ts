import type { ProviderProfile } from './profile.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** Attempts in all, first included. */
export function maxAttempts(profile: Pick<ProviderProfile, 'retryDelaysMs'>): number {
  return profile.retryDelaysMs.length + 1;
}

/**
 * The delay before the attempt after `attemptsMade` failed ones, scaled by RETRY_DELAY_SCALE;
 * null when the ladder is spent and the delivery is dead.
 */
export function nextRetryDelayMs(
  profile: Pick<ProviderProfile, 'retryDelaysMs'>,
  attemptsMade: number,
  scale: number,
): number | null {
  const delay = profile.retryDelaysMs[attemptsMade - 1];
  if (delay === undefined || attemptsMade < 1) return null;
  return Math.round(delay * scale);
}

/** Exponential ladder: base, base×factor, … (Gigapay documents "exponential backoff" without numbers). */
export function exponentialLadder(count: number, baseMs: number, factor: number): number[] {
  return Array.from({ length: count }, (_, index) => baseMs * factor ** index);
}
