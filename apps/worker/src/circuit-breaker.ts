import type { EndpointFailureStreak } from '@hookfleet/store';

/** An endpoint opens its circuit after this many failures in a row… */
export const OPEN_AFTER_FAILURES = 10;
/** …that have lasted at least this long (scaled by RETRY_DELAY_SCALE). */
export const OPEN_AFTER_FAILING_MS = 60_000;
const MIN_PAUSE_MS = 30_000;
const MAX_PAUSE_MS = 10 * 60_000;

/**
 * How long to hold an endpoint back as a whole after a failure streak (0 = keep going). The pause grows with the
 * length of the outage; when it ends, the next attempt is the probe: a success clears the streak.
 */
export function circuitPauseMs(streak: EndpointFailureStreak | null, now: number, retryDelayScale: number): number {
  if (!streak || streak.consecutiveFailures < OPEN_AFTER_FAILURES) return 0;
  const failingFor = now - streak.failingSinceMs;
  if (failingFor < OPEN_AFTER_FAILING_MS * retryDelayScale) return 0;
  const pause = Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, failingFor / 4));
  return Math.max(1, Math.round(pause * retryDelayScale));
}
