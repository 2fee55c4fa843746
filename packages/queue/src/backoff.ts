import { findProfile, nextRetryDelayMs } from '@hookfleet/profiles';
import type { DeliveryJobData } from './jobs.js';
import { PROFILE_BACKOFF } from './jobs.js';

interface JobLike {
  data: DeliveryJobData;
}

/**
 * BullMQ's custom backoff: the delay before the next attempt is the profile's ladder entry for the attempt
 * that just failed, times RETRY_DELAY_SCALE. `attemptsMade` counts this job's runs, the failed one included.
 */
export function createBackoffStrategy(retryDelayScale: number) {
  return (attemptsMade: number, type?: string, error?: Error, job?: JobLike): number => {
    if (type !== PROFILE_BACKOFF || !job || job.data.kind !== 'retry') return -1;
    const profile = findProfile(job.data.profile);
    if (!profile) return -1;
    const failedAttempt = job.data.firstAttempt + attemptsMade - 1;
    const delay = nextRetryDelayMs(profile, failedAttempt, retryDelayScale);
    if (delay === null) return -1;
    // An endpoint's Retry-After is honoured within the ladder: never sooner than it asked.
    const retryAfterMs = (error as { retryAfterMs?: number | null } | undefined)?.retryAfterMs ?? 0;
    return Math.max(delay, retryAfterMs);
  };
}
