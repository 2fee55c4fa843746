import { createHash } from 'node:crypto';
import type { DeliveryRetryJobData, LegacyDeliveryRetryJobData, RetryEntry } from './jobs.js';
import { GROUP_JOB_RETRIES } from './fan-out.js';

/**
 * Retries of one subscription due within this long of each other share one job, unscaled (× RETRY_DELAY_SCALE, like
 * the ladder): a part's failures are spread by the ladder's jitter (up to 10 % of the step), so most fall into one
 * or two buckets; the job runs at its bucket's end, so no attempt is made before its due time.
 */
export const RETRY_BUCKET_MS = 1_000;
/** A bucket never shrinks below this, whatever the scale: below it a job a delivery would cost more than it saves. */
const RETRY_BUCKET_FLOOR_MS = 5;

export interface DueRetry extends RetryEntry {
  /** When the attempt is due, epoch ms. */
  at: number;
}

/**
 * The BullMQ priority of a ladder's retry jobs. They wait in a retry queue of their own (queues.ts), apart from the
 * group jobs of first attempts; retry jobs that an earlier version added to a `deliveries` queue share it with group
 * jobs, and BullMQ takes a queue's jobs without a priority (group jobs) before any prioritized one, so there too due
 * retries fill only the slots first attempts leave free. An operator's one more attempt (`final`) is not lowered.
 */
export const RETRY_JOB_PRIORITY = 1;

export interface RetryJob {
  name: 'retry';
  data: DeliveryRetryJobData;
  opts: { jobId: string; delay: number; priority?: number } & typeof GROUP_JOB_RETRIES;
}

export function retryBucketMs(retryDelayScale: number): number {
  return Math.max(RETRY_BUCKET_FLOOR_MS, Math.round(RETRY_BUCKET_MS * retryDelayScale));
}

/**
 * Retry jobs for a subscription's failed deliveries: one per time bucket, due at the bucket's end. The job id is
 * derived from the subscription, the bucket and its deliveries with their attempts, so a part that runs again after
 * its schedule step failed adds the same job, not a second one.
 */
export function groupRetries(subscriptionId: string, profile: string, due: readonly DueRetry[], bucketMs: number, now: number, final = false): RetryJob[] {
  const buckets = new Map<number, RetryEntry[]>();
  for (const { at, ...entry } of due) {
    const end = Math.ceil(at / bucketMs) * bucketMs;
    let entries = buckets.get(end);
    if (!entries) buckets.set(end, (entries = []));
    entries.push(entry);
  }
  return [...buckets].map(([end, deliveries]) => {
    const hash = createHash('sha256').update(subscriptionId).update('\0').update(String(end));
    for (const entry of deliveries) hash.update('\0').update(entry.deliveryId).update(':').update(String(entry.attempt));
    const data: DeliveryRetryJobData = { kind: 'retry', subscriptionId, profile, deliveries, ...(final ? { final } : {}) };
    const opts = { jobId: `r_${hash.digest('base64url').slice(0, 22)}`, delay: Math.max(0, end - now), ...GROUP_JOB_RETRIES };
    return { name: 'retry', data, opts: final ? opts : { ...opts, priority: RETRY_JOB_PRIORITY } };
  });
}

/** A retry job's deliveries, whichever shape it was added in. */
export function retryEntriesOf(data: DeliveryRetryJobData | LegacyDeliveryRetryJobData): RetryEntry[] {
  if ('deliveries' in data) return data.deliveries;
  return [{ deliveryId: data.deliveryId, eventId: data.eventId, attempt: data.firstAttempt }];
}
