import type { Subscription } from '@hookfleet/core';
import type { DeliveryJobData, HookfleetQueues } from '@hookfleet/queue';
import { isStoreError, type OrderedBacklog } from '@hookfleet/store';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

/**
 * How soon the job holding a disabled or deleted subscription's turn runs: long enough for every worker's
 * subscription index to have seen the change (it polls every 250 ms: packages/store/src/subscription-index.ts), so
 * the run finds the subscription inactive, not a copy that still reads it active.
 */
export const WAKE_AFTER_MS = 1_000;

/**
 * Brings the job holding a subscription's turn forward to run `afterMs` from now, if it waits delayed (a head's retry,
 * a deferral, a partial batch's due time); one running or waiting already is left as it is. Another worker may move
 * it out of delayed first: BullMQ then refuses, and nothing is lost.
 */
export async function wakeTurnHolder(backlog: OrderedBacklog, queue: Queue<DeliveryJobData>, subscriptionId: string, afterMs: number): Promise<void> {
  const holder = await backlog.turnHolder(subscriptionId);
  if (holder === null) return;
  const job = await queue.getJob(holder);
  if (!job || !(await job.isDelayed())) return;
  try {
    await job.changeDelay(afterMs);
  } catch (error) {
    if (isStoreError(error)) throw error;
  }
}

/**
 * Disabling or deleting an ordered or batching subscription ends its waiting deliveries dead (docs/delivery.md,
 * "Ordered subscriptions", "Batches"), which the job holding its turn does when it next runs: for an ordered one when
 * the head's retry fell due, hours later on the ladder; for a batching one when its partial batch fell due, up to
 * `max_wait_ms` later. The index of each worker that sees the change wakes that job instead, if it waits delayed; the
 * first to do so wins, the others find it no longer delayed. Costs two reads per worker per change of such a
 * subscription to inactive, nothing otherwise.
 */
export function createTurnHolderWake(parts: { ordered: OrderedBacklog; batches: OrderedBacklog; queues: Pick<HookfleetQueues, 'deliveriesFor'>; logger: Logger }) {
  return (subscription: Subscription): void => {
    const backlog = subscription.ordered ? parts.ordered : subscription.batch ? parts.batches : undefined;
    if (!backlog) return;
    wakeTurnHolder(backlog, parts.queues.deliveriesFor(subscription.id), subscription.id, WAKE_AFTER_MS).catch((error: unknown) => parts.logger.debug({ subscription_id: subscription.id, err: error }, 'turn holder not woken'));
  };
}
