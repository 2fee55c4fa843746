import type { Job } from 'bullmq';
import { isStoreError } from '@hookfleet/store';
import type { JobsByQueue } from './add-jobs.js';
import { groupRetries, type RetryJob } from './retry-jobs.js';

/**
 * The jobs of an operator's attempt (retry, recover, replay: redeliver.ts), and their hold: added delayed, let go once
 * their deliveries are reset to pending.
 */

/**
 * How long an operator's jobs are held (delayed) while their deliveries are reset to pending: let go right after the
 * reset, one round trip later; if Redis refuses that, they go when the hold runs out.
 */
export const HELD_FOR_RESET_MS = 10_000;

/** An operator's jobs by queue, added held (addHeldUntilReset). */
export type HeldJobs = JobsByQueue;

/**
 * Adds the jobs held, resets their deliveries to pending, then lets the jobs go. A reset before the add left a
 * delivery pending with no attempt coming when Redis refused the add, and a job let go before the reset could find
 * its delivery still dead, skip it, and leave it the same way once the reset landed. In this order, a refusal leaves
 * each delivery as it was (a held job finds it dead and leaves it; a failed one gets the operator's attempt) or pending
 * with its job coming when the hold runs out. `alsoLetGo`: jobs of earlier requests still delayed.
 */
export async function addHeldUntilReset(jobsByQueue: HeldJobs, reset: () => Promise<void>, alsoLetGo: readonly Job[] = []): Promise<void> {
  const held = await Promise.all(
    [...jobsByQueue].map(([queue, jobs]) => queue.addBulk(jobs.map((job) => ({ ...job, opts: { ...job.opts, delay: HELD_FOR_RESET_MS } })))),
  );
  await reset();
  await Promise.all([...held.flat(), ...alsoLetGo].map(letGo));
}

/** A delayed job runs now. One no longer delayed (let go by a request asked again, run, or waiting already) is left. */
export async function letGo(job: Job): Promise<void> {
  try {
    await job.promote();
  } catch (error) {
    if (isStoreError(error)) throw error;
  }
}

export interface RedeliveryItem {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  profile: string;
  eventReceivedAt: number;
  /** Attempts made so far. */
  attempts: number;
  /** The subscription is ordered: the delivery goes back into its backlog, in event order, instead of a job of its own. */
  ordered?: boolean;
  /** The subscription batches: its deliveries asked for together share one job, which sends them in batches. */
  batched?: boolean;
  /** The delivery is `failed` with a retry due: a failure of this attempt leaves it on its ladder, not dead. */
  onItsLadder?: boolean;
}

/** The final job of an operator's attempt, now, for deliveries alike in whether they are on their ladder. */
export function operatorJobs(subscriptionId: string, items: readonly RedeliveryItem[]): RetryJob[] {
  const due = items.map((item) => ({ deliveryId: item.deliveryId, eventId: item.eventId, attempt: item.attempts + 1, at: 0 }));
  const jobs = groupRetries(subscriptionId, items[0]?.profile ?? '', due, 1, 0, true);
  return items[0]?.onItsLadder ? jobs.map((job) => ({ ...job, data: { ...job.data, keepsLadder: true } })) : jobs;
}
