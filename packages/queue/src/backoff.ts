import { findProfile, retryDelay } from '@hookfleet/profiles';
import type { DeliveryJobData } from './jobs.js';
import { PROFILE_BACKOFF } from './jobs.js';

interface JobLike {
  data: DeliveryJobData;
}

/**
 * BullMQ's custom backoff for a retry job whose attempt failed. The attempt itself already decided its next delay with
 * the one retry-delay rule (retryDelay in @hookfleet/profiles: ladder × RETRY_DELAY_SCALE, jitter, capped Retry-After),
 * and its error carries it; a run that failed before deciding (a Redis error) gets the ladder step by the same rule.
 * `attemptsMade` counts this job's runs, the failed one included.
 */
export function createBackoffStrategy(retryDelayScale: number, random: () => number = Math.random) {
  return (attemptsMade: number, type?: string, error?: Error, job?: JobLike): number => {
    if (type !== PROFILE_BACKOFF || !job || job.data.kind !== 'retry') return -1;
    const decided = (error as { retryDelayMs?: number | null } | undefined)?.retryDelayMs;
    if (typeof decided === 'number' && Number.isFinite(decided) && decided >= 0) return decided;
    const profile = findProfile(job.data.profile);
    if (!profile) return -1;
    const failedAttempt = job.data.firstAttempt + attemptsMade - 1;
    return retryDelay({ ladderMs: profile.retryDelaysMs, attemptsMade: failedAttempt, scale: retryDelayScale, random })?.delayMs ?? -1;
  };
}
