import { describe, expect, it } from '@jest/globals';
import { groupRetries, RETRY_JOB_PRIORITY, retryBucketMs, retryEntriesOf } from './retry-jobs.js';

const due = (deliveryId: string, at: number, attempt = 2) => ({ deliveryId, eventId: `evt_${deliveryId}`, attempt, at });

describe('retry jobs grouped by due time', () => {
  it.each([
    [1, 1_000],
    [0.1, 100],
    [0.001, 5],
    [0.00001, 5],
  ])('a bucket at RETRY_DELAY_SCALE %f is %i ms (never below 5 ms)', (scale, expected) => {
    expect(retryBucketMs(scale)).toBe(expected);
  });

  it("puts the retries due in one bucket into one job, due at the bucket's end, each with its own attempt", () => {
    const jobs = groupRetries('sub_a', 'standard', [due('d1', 10_100), due('d2', 10_900, 3), due('d3', 11_200)], 1_000, 10_000);
    expect(jobs.map((job) => [job.data.deliveries.map((entry) => [entry.deliveryId, entry.attempt]), job.opts.delay])).toEqual([
      [
        [
          ['d1', 2],
          ['d2', 3],
        ],
        1_000,
      ],
      [[['d3', 2]], 2_000],
    ]);
    expect(jobs[0]?.data).toMatchObject({ kind: 'retry', subscriptionId: 'sub_a', profile: 'standard' });
    expect(jobs[0]?.data.final).toBeUndefined();
    // Behind first attempts: BullMQ takes a queue's unprioritized jobs (group jobs) before any prioritized one.
    expect(jobs.map((job) => job.opts.priority)).toEqual([RETRY_JOB_PRIORITY, RETRY_JOB_PRIORITY]);
  });

  it('names a job after its subscription, bucket, deliveries and attempts: the same retries give the same id', () => {
    const [first] = groupRetries('sub_a', 'standard', [due('d1', 10_100)], 1_000, 10_000);
    const [again] = groupRetries('sub_a', 'standard', [due('d1', 10_700)], 1_000, 10_500);
    const [nextAttempt] = groupRetries('sub_a', 'standard', [due('d1', 10_100, 3)], 1_000, 10_000);
    const [otherSubscription] = groupRetries('sub_b', 'standard', [due('d1', 10_100)], 1_000, 10_000);
    expect(again?.opts.jobId).toBe(first?.opts.jobId);
    expect(nextAttempt?.opts.jobId).not.toBe(first?.opts.jobId);
    expect(otherSubscription?.opts.jobId).not.toBe(first?.opts.jobId);
    expect(first?.opts.jobId).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
  });

  it("never schedules into the past, and marks an operator's final attempt", () => {
    const [job] = groupRetries('sub_a', 'standard', [due('d1', 5_000, 9)], 1, 10_000, true);
    expect(job?.opts.delay).toBe(0);
    expect(job?.data.final).toBe(true);
    expect(job?.opts.priority).toBeUndefined();
  });

  it('reads a retry job added before retries were grouped as one entry', () => {
    expect(retryEntriesOf({ kind: 'retry', subscriptionId: 's', profile: 'standard', eventId: 'e', deliveryId: 'd', firstAttempt: 2 })).toEqual([
      { deliveryId: 'd', eventId: 'e', attempt: 2 },
    ]);
  });
});
