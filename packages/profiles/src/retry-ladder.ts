import type { ProviderProfile } from './profile.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** Attempts in all, first included. */
export function maxAttempts(profile: Pick<ProviderProfile, 'retryDelaysMs'>): number {
  return profile.retryDelaysMs.length + 1;
}

/** Exponential ladder: base, base×factor, … (Gigapay documents "exponential backoff" without numbers). */
export function exponentialLadder(count: number, baseMs: number, factor: number): number[] {
  return Array.from({ length: count }, (_, index) => baseMs * factor ** index);
}
